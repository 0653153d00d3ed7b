"""Form submissions (``view_submission``), each registered with who may submit it (:mod:`handlers.access`); last,
any other form (:mod:`handlers.unknown`)."""

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from handlers.access import Middleware, admin_only_submission
from handlers.actions.roster import handle_roster_submission
from handlers.unknown import handle_unknown_form, other_than
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
    known: set[str] = set()

    def on(callback_id: str, handler: Callable[..., Awaitable[Any]], *middleware: Middleware) -> None:
        known.add(callback_id)
        app.view(callback_id, middleware=list(middleware))(handler)

    on(CALLBACK_ID, handle_optin_submission)
    on(SETTINGS_CALLBACK_ID, handle_settings_submission, admin_settings)
    on(ROSTER_CALLBACK_ID, handle_roster_submission, admin_search)
    on(PAUSE_CALLBACK_ID, handle_pause_submission)
    on(PREVIEW_CALLBACK_ID, handle_publish, admin_publish)
    on(REMATCH_CALLBACK_ID, handle_rematch_submission)
    on(FEEDBACK_CALLBACK_ID, handle_feedback_submission)
    on(SURVEY_CALLBACK_ID, handle_survey_submission)
    app.view(other_than(known))(handle_unknown_form)  # last, for forms none above has
