"""Form submissions (``view_submission``), each registered with who may submit it (:mod:`handlers.access`)."""

from slack_bolt.async_app import AsyncApp

from handlers.access import admin_only_submission
from handlers.actions.roster import handle_roster_submission
from handlers.views.feedback import handle_feedback_submission
from handlers.views.intros import handle_rematch_submission
from handlers.views.optin import handle_optin_submission
from handlers.views.participants import handle_pause_submission
from handlers.views.programs import handle_settings_submission
from handlers.views.rounds import handle_publish
from handlers.views.surveys import handle_survey_submission
from prompts.feedback import CALLBACK_ID as FEEDBACK_CALLBACK_ID
from prompts.home import PAUSE_CALLBACK_ID
from prompts.intros import REMATCH_CALLBACK_ID
from prompts.optin import CALLBACK_ID
from prompts.participants import NOT_ADMIN
from prompts.programs import NAME, SETTINGS_CALLBACK_ID
from prompts.roster import ROSTER_CALLBACK_ID, SEARCH_BLOCK
from prompts.rounds import PREVIEW_CALLBACK_ID, message_modal
from prompts.surveys import CALLBACK_ID as SURVEY_CALLBACK_ID


def register(app: AsyncApp) -> None:
    # Each admin form refuses anyone else in its own way: an inline error under a field, or a new view.
    admin_settings = admin_only_submission(response_action="errors", errors={NAME: NOT_ADMIN})
    admin_search = admin_only_submission(response_action="errors", errors={SEARCH_BLOCK: NOT_ADMIN})
    admin_publish = admin_only_submission(response_action="update", view=message_modal("Preview matches", NOT_ADMIN))
    app.view(CALLBACK_ID)(handle_optin_submission)
    app.view(SETTINGS_CALLBACK_ID, middleware=[admin_settings])(handle_settings_submission)
    app.view(ROSTER_CALLBACK_ID, middleware=[admin_search])(handle_roster_submission)
    app.view(PAUSE_CALLBACK_ID)(handle_pause_submission)
    app.view(PREVIEW_CALLBACK_ID, middleware=[admin_publish])(handle_publish)
    app.view(REMATCH_CALLBACK_ID)(handle_rematch_submission)
    app.view(FEEDBACK_CALLBACK_ID)(handle_feedback_submission)
    app.view(SURVEY_CALLBACK_ID)(handle_survey_submission)
