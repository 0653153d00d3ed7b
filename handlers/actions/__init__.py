"""Buttons and menus (``block_actions``), each registered with who may use it (:mod:`handlers.access`); last, any
other button, menu or shortcut (:mod:`handlers.unknown`)."""

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from handlers.access import Middleware, admin_only, checkin_pair_member, pair_member
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
from handlers.unknown import ANY_ID, handle_unknown_action, other_than
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
    known: set[str] = set()

    def on(action_id: str, handler: Callable[..., Awaitable[Any]], *middleware: Middleware) -> None:
        known.add(action_id)
        app.action(action_id, middleware=list(middleware))(handler)

    on(participants.ACTION_EDIT_PROFILE, handle_open_form)
    on(participants.ACTION_JOIN, handle_open_form)
    on(participants.ACTION_RETRY_FORM, handle_retry_form)
    on(optin.PROGRAM, handle_program_switch)
    on(participants.ACTION_CONFIRM_LEAVE, handle_confirm_leave)
    on(participants.ACTION_CONFIRM_DELETE, handle_confirm_delete)
    on(participants.ACTION_CANCEL, handle_cancel)
    on(home.ACTION_PAUSE, handle_pause_button)
    on(home.ACTION_RESUME, handle_resume_button)
    on(programs.ACTION_EDIT_SETTINGS, handle_edit_settings, admin_only)
    on(programs.ACTION_NEW_PROGRAM, handle_new_program, admin_only)
    on(programs.ACTION_PROGRAM_STATE, handle_move_program, admin_only)
    on(programs.ACTION_END_PROGRAM, handle_move_program, admin_only)
    on(programs.ACTION_ANNOUNCE, handle_announce, admin_only)
    on(programs.ACTION_AUDIT, handle_audit_log, admin_only)
    on(programs.ACTION_REFRESH_HOME, handle_refresh_home, admin_only)
    on(roster.ACTION_OPEN_ROSTER, handle_open_roster, admin_only)
    on(roster.ACTION_SEARCH, handle_search, admin_only)
    on(roster.ACTION_PREVIOUS, handle_page, admin_only)
    on(roster.ACTION_NEXT, handle_page, admin_only)
    on(roster.ACTION_PERSON, handle_person, admin_only)
    on(rounds.ACTION_PREVIEW, handle_preview, admin_only)
    on(rounds.ACTION_ADJUST, handle_adjust, admin_only)
    on(results.ACTION_EXPORT, handle_results_file, admin_only)
    on(results.ACTION_CHART, handle_results_file, admin_only)
    on(intros.ACTION_SCHEDULED, handle_scheduled, pair_member)
    on(intros.ACTION_ANOTHER_TOPIC, handle_another_topic, pair_member)
    on(intros.ACTION_NOT_WORKING, handle_not_working, pair_member)
    for answer in checkins.ANSWER_ACTIONS:
        on(answer, handle_checkin_answer, checkin_pair_member)
    on(checkins.ACTION_MEETING_TIMES, handle_meeting_times, checkin_pair_member)
    on(feedback.ACTION_FIT_YES, handle_fit_answer, pair_member)
    on(feedback.ACTION_FIT_NO, handle_fit_answer, pair_member)
    on(feedback.ACTION_OPEN, handle_open_feedback)
    on(surveys.ACTION_OPEN, handle_open_survey)
    on(recognition.ACTION_YES, handle_consent)
    on(recognition.ACTION_NO, handle_consent)
    for choice in (checkins.ACTION_STAY, checkins.ACTION_PAUSE, checkins.ACTION_LEAVE):
        on(choice, handle_stalled_choice)
    app.block_action(other_than(known))(handle_unknown_action)  # last, for ids none above has
    app.shortcut(ANY_ID)(handle_unknown_action)  # the app has no shortcuts
