"""Modal ``state.values`` as Slack sends them for the opt-in form."""

from __future__ import annotations

from typing import Any

from prompts import optin as ids


def optin_values(
    *,
    role: str | None = "mentor",
    department: str | None = "Marketing",
    years: str | None = "2",
    shares: list[str] | None = None,
    shares_other: str | None = None,
    learns: list[str] | None = None,
    learns_other: str | None = None,
    goals: str | None = "Help a senior colleague get going with AI tools",
    meeting_format: str | None = "video",
    manager: str | None = None,
) -> dict[str, Any]:
    shares = ["ai_tools", "social_media"] if shares is None else shares

    def selected(value: str | None) -> dict[str, Any] | None:
        return None if value is None else {"text": {"type": "plain_text", "text": value}, "value": value}

    def many(values: list[str] | None) -> list[dict[str, Any]]:
        return [{"text": {"type": "plain_text", "text": v}, "value": v} for v in values or []]

    return {
        ids.ROLE: {ids.ROLE: {"type": "radio_buttons", "selected_option": selected(role)}},
        ids.DEPARTMENT: {ids.DEPARTMENT: {"type": "plain_text_input", "value": department}},
        ids.YEARS: {ids.YEARS: {"type": "number_input", "value": years}},
        ids.SHARES: {ids.SHARES: {"type": "multi_static_select", "selected_options": many(shares)}},
        ids.SHARES_OTHER: {ids.SHARES_OTHER: {"type": "plain_text_input", "value": shares_other}},
        ids.LEARNS: {ids.LEARNS: {"type": "multi_static_select", "selected_options": many(learns)}},
        ids.LEARNS_OTHER: {ids.LEARNS_OTHER: {"type": "plain_text_input", "value": learns_other}},
        ids.GOALS: {ids.GOALS: {"type": "plain_text_input", "value": goals}},
        ids.FORMAT: {ids.FORMAT: {"type": "static_select", "selected_option": selected(meeting_format)}},
        ids.MANAGER: {ids.MANAGER: {"type": "users_select", "selected_user": manager}},
    }
