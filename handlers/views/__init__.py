from slack_bolt.async_app import AsyncApp

from handlers.views.optin import handle_optin_submission
from prompts.optin import CALLBACK_ID


def register(app: AsyncApp) -> None:
    app.view(CALLBACK_ID)(handle_optin_submission)
