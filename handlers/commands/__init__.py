from slack_bolt.async_app import AsyncApp

from handlers.commands.mentor import handle_mentor
from handlers.unknown import handle_unknown_command, other_than

MENTOR = "/mentor"


def register(app: AsyncApp) -> None:
    app.command(MENTOR)(handle_mentor)
    app.command(other_than([MENTOR]))(handle_unknown_command)  # a command in the app's settings, not here
