from slack_bolt.async_app import AsyncApp

from handlers.commands.mentor import handle_mentor


def register(app: AsyncApp) -> None:
    app.command("/mentor")(handle_mentor)
