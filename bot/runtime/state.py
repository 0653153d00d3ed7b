"""What the app keeps in memory between requests and jobs, in one object it owns.

One :class:`AppState` per app (per process): :func:`bot.runtime.app.start_app`'s caller makes it, into the
:class:`bot.runtime.context.Deps` that the HTTP server, every request, the scheduler's job and the CLI commands share.
Nothing of it lives in a module: a test gets a fresh one, and two apps in one process share nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.participants import ProgramCache
from bot.runtime.acks import AckGate
from bot.runtime.interactions import RecentInteractions
from bot.slack.client import UserCache
from bot.slack.pacing import Pacers


@dataclass(frozen=True)
class AppState:
    users: UserCache = field(default_factory=UserCache)  # Slack user objects (time zones, workspace roles)
    pacers: Pacers = field(default_factory=Pacers)  # the pace learnt for each Web API method
    programs: ProgramCache = field(default_factory=ProgramCache)  # each workspace's programs, for a few seconds
    acks: AckGate = field(default_factory=AckGate)  # requests still waiting for their ack (HTTP only)
    interactions: RecentInteractions = field(default_factory=RecentInteractions)  # for Slack's retries of them
