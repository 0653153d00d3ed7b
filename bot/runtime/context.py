"""What handlers, jobs and CLI commands need besides their input: one :class:`Deps` per app, carried in Bolt's
context by a global middleware (:mod:`bot.runtime.app`) and handed to the scheduler and the CLI commands."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.context.async_context import AsyncBoltContext

from bot.runtime.settings import Settings
from bot.runtime.state import AppState
from storage.db import Database


@dataclass(frozen=True)
class Deps:
    settings: Settings
    db: Database
    state: AppState


def deps(context: AsyncBoltContext) -> Deps:
    found: Deps = context["deps"]
    return found
