"""Fake Slack Web API server for tests."""

from .server import RESPONSE_URL, Call, FakeSlack

__all__ = ["RESPONSE_URL", "Call", "FakeSlack"]
