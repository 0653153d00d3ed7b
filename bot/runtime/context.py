"""What handlers need besides the payload, carried in Bolt's context by a global middleware."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.context.async_context import AsyncBoltContext

from bot.runtime.settings import Settings
from storage.db import Database


@dataclass(frozen=True)
class Deps:
    settings: Settings
    db: Database


def deps(context: AsyncBoltContext) -> Deps:
    found: Deps = context["deps"]
    return found
