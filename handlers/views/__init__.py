from slack_bolt.async_app import AsyncApp

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
from prompts.programs import SETTINGS_CALLBACK_ID
from prompts.roster import ROSTER_CALLBACK_ID
from prompts.rounds import PREVIEW_CALLBACK_ID
from prompts.surveys import CALLBACK_ID as SURVEY_CALLBACK_ID


def register(app: AsyncApp) -> None:
    app.view(CALLBACK_ID)(handle_optin_submission)
    app.view(SETTINGS_CALLBACK_ID)(handle_settings_submission)
    app.view(ROSTER_CALLBACK_ID)(handle_roster_submission)
    app.view(PAUSE_CALLBACK_ID)(handle_pause_submission)
    app.view(PREVIEW_CALLBACK_ID)(handle_publish)
    app.view(REMATCH_CALLBACK_ID)(handle_rematch_submission)
    app.view(FEEDBACK_CALLBACK_ID)(handle_feedback_submission)
    app.view(SURVEY_CALLBACK_ID)(handle_survey_submission)
