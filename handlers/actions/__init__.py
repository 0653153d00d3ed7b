"""Buttons and menus (``block_actions``), each registered with who may use it (:mod:`handlers.access`)."""

from slack_bolt.async_app import AsyncApp

from handlers.access import admin_only, checkin_pair_member, pair_member
from handlers.actions.checkins import handle_checkin_answer, handle_meeting_times, handle_stalled_choice
from handlers.actions.feedback import handle_fit_answer, handle_open_feedback
from handlers.actions.intros import handle_another_topic, handle_not_working, handle_scheduled
from handlers.actions.optin import handle_open_form, handle_program_switch, handle_retry_form
from handlers.actions.participants import (
    handle_cancel,
    handle_confirm_delete,
    handle_confirm_leave,
    handle_pause_button,
    handle_resume_button,
)
from handlers.actions.programs import (
    handle_announce,
    handle_audit_log,
    handle_edit_settings,
    handle_move_program,
    handle_new_program,
    handle_refresh_home,
)
from handlers.actions.recognition import handle_consent
from handlers.actions.results import handle_results_file
from handlers.actions.roster import handle_open_roster, handle_page, handle_person, handle_search
from handlers.actions.rounds import handle_adjust, handle_preview
from handlers.actions.surveys import handle_open_survey
from prompts import (
    checkins,
    feedback,
    home,
    intros,
    optin,
    participants,
    programs,
    recognition,
    results,
    roster,
    rounds,
    surveys,
)


def register(app: AsyncApp) -> None:
    app.action(participants.ACTION_EDIT_PROFILE)(handle_open_form)
    app.action(participants.ACTION_JOIN)(handle_open_form)
    app.action(participants.ACTION_RETRY_FORM)(handle_retry_form)
    app.action(optin.PROGRAM)(handle_program_switch)
    app.action(participants.ACTION_CONFIRM_LEAVE)(handle_confirm_leave)
    app.action(participants.ACTION_CONFIRM_DELETE)(handle_confirm_delete)
    app.action(participants.ACTION_CANCEL)(handle_cancel)
    app.action(home.ACTION_PAUSE)(handle_pause_button)
    app.action(home.ACTION_RESUME)(handle_resume_button)
    app.action(programs.ACTION_EDIT_SETTINGS, middleware=[admin_only])(handle_edit_settings)
    app.action(programs.ACTION_NEW_PROGRAM, middleware=[admin_only])(handle_new_program)
    app.action(programs.ACTION_PROGRAM_STATE, middleware=[admin_only])(handle_move_program)
    app.action(programs.ACTION_END_PROGRAM, middleware=[admin_only])(handle_move_program)
    app.action(programs.ACTION_ANNOUNCE, middleware=[admin_only])(handle_announce)
    app.action(programs.ACTION_AUDIT, middleware=[admin_only])(handle_audit_log)
    app.action(programs.ACTION_REFRESH_HOME, middleware=[admin_only])(handle_refresh_home)
    app.action(roster.ACTION_OPEN_ROSTER, middleware=[admin_only])(handle_open_roster)
    app.action(roster.ACTION_SEARCH, middleware=[admin_only])(handle_search)
    app.action(roster.ACTION_PREVIOUS, middleware=[admin_only])(handle_page)
    app.action(roster.ACTION_NEXT, middleware=[admin_only])(handle_page)
    app.action(roster.ACTION_PERSON, middleware=[admin_only])(handle_person)
    app.action(rounds.ACTION_PREVIEW, middleware=[admin_only])(handle_preview)
    app.action(rounds.ACTION_ADJUST, middleware=[admin_only])(handle_adjust)
    app.action(results.ACTION_EXPORT, middleware=[admin_only])(handle_results_file)
    app.action(results.ACTION_CHART, middleware=[admin_only])(handle_results_file)
    app.action(intros.ACTION_SCHEDULED, middleware=[pair_member])(handle_scheduled)
    app.action(intros.ACTION_ANOTHER_TOPIC, middleware=[pair_member])(handle_another_topic)
    app.action(intros.ACTION_NOT_WORKING, middleware=[pair_member])(handle_not_working)
    for answer in checkins.ANSWER_ACTIONS:
        app.action(answer, middleware=[checkin_pair_member])(handle_checkin_answer)
    app.action(checkins.ACTION_MEETING_TIMES, middleware=[checkin_pair_member])(handle_meeting_times)
    app.action(feedback.ACTION_FIT_YES, middleware=[pair_member])(handle_fit_answer)
    app.action(feedback.ACTION_FIT_NO, middleware=[pair_member])(handle_fit_answer)
    app.action(feedback.ACTION_OPEN)(handle_open_feedback)
    app.action(surveys.ACTION_OPEN)(handle_open_survey)
    app.action(recognition.ACTION_YES)(handle_consent)
    app.action(recognition.ACTION_NO)(handle_consent)
    for choice in (checkins.ACTION_STAY, checkins.ACTION_PAUSE, checkins.ACTION_LEAVE):
        app.action(choice)(handle_stalled_choice)
