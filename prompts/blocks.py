"""Tiny Block Kit helpers shared by the builders; Slack's limits live here too."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Block = dict[str, Any]

MAX_SECTION_TEXT = 3000
MAX_OPTION_TEXT = 75
MAX_BUTTON_TEXT = 75


@dataclass(frozen=True)
class Reply:
    """A message: fallback ``text`` (notifications, screen readers) and optional ``blocks``."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks} if self.blocks else {"text": self.text}


def plain(text: str, *, emoji: bool = True) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": emoji}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def section(text: str, *, accessory: Block | None = None, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(truncate(text, MAX_SECTION_TEXT))}
    if accessory is not None:
        block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id
    return block


def header(text: str) -> Block:
    return {"type": "header", "text": plain(truncate(text, 150))}


def context(*texts: str, block_id: str | None = None) -> Block:
    block: Block = {"type": "context", "elements": [mrkdwn(truncate(t, MAX_SECTION_TEXT)) for t in texts]}
    if block_id:
        block["block_id"] = block_id
    return block


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, *, value: str | None = None, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": plain(truncate(text, MAX_BUTTON_TEXT)),
        "action_id": action_id,
    }
    if value is not None:
        element["value"] = value
    if style:
        element["style"] = style
    return element


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id:
        block["block_id"] = block_id
    return block


def input_block(block_id: str, label: str, element: Block, *, hint: str | None = None, optional: bool = False) -> Block:
    """An input block whose element's action_id equals ``block_id`` (so state.values[id][id] holds the answer)."""
    block: Block = {"type": "input", "block_id": block_id, "label": plain(label), "element": element}
    if hint:
        block["hint"] = plain(hint)
    if optional:
        block["optional"] = True
    return block


def option(text: str, value: str, description: str | None = None) -> dict[str, Any]:
    opt: dict[str, Any] = {"text": plain(truncate(text, MAX_OPTION_TEXT)), "value": value}
    if description:
        opt["description"] = plain(truncate(description, MAX_OPTION_TEXT))
    return opt


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    """Escape user text for mrkdwn, so nobody's answer can ping @channel or fake a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
