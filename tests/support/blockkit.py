"""A Block Kit checker for the builders' output: Slack's documented limits, without Slack.

Slack answers ``invalid_blocks`` / ``invalid_arguments`` when a message or view breaks one of these, and the
person sees nothing at all, so every builder's output goes through :func:`assert_valid_blocks` (messages and
views) and :func:`assert_valid_view` (modals and the Home tab) in the tests.

Limits (docs.slack.dev → Block Kit reference): 50 blocks per message, 100 per modal or Home tab; section text
3000, fields 10 × 2000; header 150 (plain_text); context ≤ 10 elements; actions ≤ 25 elements; button text 75,
value 2000; option text 75, value 150, description 75; ≤ 100 options per select and per option group, ≤ 100
groups, group label 75; radio buttons ≤ 10 options; input label and hint 2000; placeholder 150;
plain_text_input max_length 1–3000; modal title / submit / close 24; private_metadata 3000; callback_id,
block_id and action_id 255; action_ids unique within their block (a block without a block_id gets a random one
from Slack, so a repeated action_id there is unique only if its block has an explicit block_id), block_ids unique
within a message or view.
"""

from __future__ import annotations

import re
from typing import Any

from prompts.blocks import Reply

MESSAGE_LIMIT = 50
VIEW_LIMIT = 100

TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})
# Keys whose value, when a dict, must be a text object.
TEXT_KEYS = ("text", "label", "hint", "placeholder", "title", "submit", "close", "description")
BLOCK_TYPES = frozenset({"section", "header", "context", "divider", "actions", "input", "image"})


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.block_ids: set[str] = set()
        self.action_ids: set[str] = set()
        self.current_block_id: str | None = None

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    # --- composition objects -------------------------------------------------------------------------------

    def text(self, obj: Any, where: str, *, max_len: int, plain_only: bool = False) -> None:
        if not isinstance(obj, dict):
            self.fail(where, f"text object must be a dict, got {type(obj).__name__}")
            return
        kind = obj.get("type")
        if kind not in TEXT_TYPES:
            self.fail(where, f"text object type {kind!r} is not plain_text or mrkdwn")
        if plain_only and kind != "plain_text":
            self.fail(where, f"must be plain_text, got {kind!r}")
        value = obj.get("text")
        if not isinstance(value, str) or not value:
            self.fail(where, "text must be a non-empty string")
        elif len(value) > max_len:
            self.fail(where, f"text is {len(value)} characters, limit {max_len}")
        if "emoji" in obj and kind != "plain_text":
            self.fail(where, "emoji is only allowed on plain_text")

    def option(self, opt: Any, where: str) -> None:
        if not isinstance(opt, dict):
            self.fail(where, "option must be a dict")
            return
        self.text(opt.get("text"), f"{where}.text", max_len=75)
        value = opt.get("value")
        if not isinstance(value, str) or not value:
            self.fail(where, "option value must be a non-empty string")
        elif len(value) > 150:
            self.fail(where, f"option value is {len(value)} characters, limit 150")
        if "description" in opt:
            self.text(opt["description"], f"{where}.description", max_len=75, plain_only=True)

    # --- elements ----------------------------------------------------------------------------------------------

    def action_id(self, element: dict[str, Any], where: str, *, required: bool = True) -> None:
        action_id = element.get("action_id")
        if action_id is None:
            if required:
                self.fail(where, "interactive element has no action_id")
            return
        if not isinstance(action_id, str) or not action_id:
            self.fail(where, "action_id must be a non-empty string")
            return
        if len(action_id) > 255:
            self.fail(where, f"action_id is {len(action_id)} characters, limit 255")
        key = f"{self.current_block_id}/{action_id}" if self.current_block_id else action_id
        if key in self.action_ids:
            self.fail(where, f"action_id {action_id!r} is not unique")
        self.action_ids.add(key)

    def placeholder(self, element: dict[str, Any], where: str) -> None:
        if "placeholder" in element:
            self.text(element["placeholder"], f"{where}.placeholder", max_len=150, plain_only=True)

    def options_list(self, options: Any, where: str, *, limit: int) -> list[dict[str, Any]]:
        if not isinstance(options, list) or not options:
            self.fail(where, "options must be a non-empty list")
            return []
        if len(options) > limit:
            self.fail(where, f"{len(options)} options, limit {limit}")
        for i, opt in enumerate(options):
            self.option(opt, f"{where}[{i}]")
        return [o for o in options if isinstance(o, dict)]

    def select_options(self, element: dict[str, Any], where: str, *, limit: int = 100) -> list[dict[str, Any]]:
        has_options, has_groups = "options" in element, "option_groups" in element
        if has_options == has_groups:
            self.fail(where, "exactly one of options / option_groups is required")
        if has_options:
            return self.options_list(element["options"], f"{where}.options", limit=limit)
        available: list[dict[str, Any]] = []
        groups = element.get("option_groups")
        if not isinstance(groups, list) or not groups:
            self.fail(where, "option_groups must be a non-empty list")
            return available
        if len(groups) > 100:
            self.fail(where, f"{len(groups)} option groups, limit 100")
        for g, group in enumerate(groups):
            self.text(group.get("label"), f"{where}.option_groups[{g}].label", max_len=75, plain_only=True)
            available += self.options_list(group.get("options"), f"{where}.option_groups[{g}].options", limit=100)
        return available

    def initial_in(self, chosen: Any, available: list[dict[str, Any]], where: str) -> None:
        if chosen not in available:
            self.fail(where, f"initial option {chosen!r} is not one of the element's options")

    def confirm(self, dialog: Any, where: str) -> None:
        """A confirmation dialog: title ≤ 100, text ≤ 300, confirm and deny ≤ 30 (plain_text but the text)."""
        if not isinstance(dialog, dict):
            self.fail(where, "confirm must be a dict")
            return
        self.text(dialog.get("title"), f"{where}.title", max_len=100, plain_only=True)
        self.text(dialog.get("text"), f"{where}.text", max_len=300)
        self.text(dialog.get("confirm"), f"{where}.confirm", max_len=30, plain_only=True)
        self.text(dialog.get("deny"), f"{where}.deny", max_len=30, plain_only=True)
        if dialog.get("style") not in (None, "primary", "danger"):
            self.fail(where, f"confirm style {dialog['style']!r} is not primary or danger")

    def element(self, element: Any, where: str) -> None:
        if not isinstance(element, dict):
            self.fail(where, "element must be a dict")
            return
        kind = element.get("type")
        if kind == "button":
            self.action_id(element, where)
            self.text(element.get("text"), f"{where}.text", max_len=75, plain_only=True)
            if "value" in element and len(str(element["value"])) > 2000:
                self.fail(where, "button value is over 2000 characters")
            if element.get("style") not in (None, "primary", "danger"):
                self.fail(where, f"button style {element['style']!r} is not primary or danger")
            if "confirm" in element:
                self.confirm(element["confirm"], f"{where}.confirm")
        elif kind in ("static_select", "multi_static_select"):
            self.action_id(element, where)
            self.placeholder(element, where)
            available = self.select_options(element, where)
            if kind == "static_select" and "initial_option" in element:
                self.initial_in(element["initial_option"], available, f"{where}.initial_option")
            if kind == "multi_static_select" and "initial_options" in element:
                initial = element["initial_options"]
                if not isinstance(initial, list) or not initial:
                    self.fail(where, "initial_options must be a non-empty list when present")
                for i, chosen in enumerate(initial or []):
                    self.initial_in(chosen, available, f"{where}.initial_options[{i}]")
        elif kind == "radio_buttons":
            self.action_id(element, where)
            available = self.options_list(element.get("options"), f"{where}.options", limit=10)
            if "initial_option" in element:
                self.initial_in(element["initial_option"], available, f"{where}.initial_option")
        elif kind == "plain_text_input":
            self.action_id(element, where)
            self.placeholder(element, where)
            max_length = element.get("max_length", 3000)
            if not isinstance(max_length, int) or not 1 <= max_length <= 3000:
                self.fail(where, f"max_length {max_length!r} is not between 1 and 3000")
                max_length = 3000
            initial = element.get("initial_value")
            if initial is not None:
                if not isinstance(initial, str):
                    self.fail(where, "initial_value must be a string")
                elif len(initial) > max_length:
                    self.fail(where, f"initial_value is {len(initial)} characters, longer than max_length {max_length}")
        elif kind == "number_input":
            self.action_id(element, where)
            self.placeholder(element, where)
            if not isinstance(element.get("is_decimal_allowed"), bool):
                self.fail(where, "number_input needs is_decimal_allowed (a boolean)")
            numbers = {k: element[k] for k in ("initial_value", "min_value", "max_value") if k in element}
            for key, value in numbers.items():
                if not isinstance(value, str):
                    self.fail(where, f"number_input {key} must be a string, got {type(value).__name__}")
            try:
                parsed = {k: float(v) for k, v in numbers.items()}
            except (TypeError, ValueError):
                self.fail(where, f"number_input values are not numbers: {numbers!r}")
            else:
                low, high = parsed.get("min_value", float("-inf")), parsed.get("max_value", float("inf"))
                if "initial_value" in parsed and not low <= parsed["initial_value"] <= high:
                    self.fail(where, f"initial_value {numbers['initial_value']!r} is outside min/max")
        elif kind == "users_select":
            self.action_id(element, where)
            self.placeholder(element, where)
            if "initial_user" in element and not (isinstance(element["initial_user"], str) and element["initial_user"]):
                self.fail(where, "initial_user must be a non-empty user ID")
        elif kind == "datepicker":
            self.action_id(element, where)
            initial = element.get("initial_date")
            if initial is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(initial)):
                self.fail(where, f"initial_date {initial!r} is not YYYY-MM-DD")
        elif kind == "timepicker":
            self.action_id(element, where)
            initial = element.get("initial_time")
            if initial is not None and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", str(initial)):
                self.fail(where, f"initial_time {initial!r} is not HH:mm")
        elif kind == "checkboxes":
            self.action_id(element, where)
            available = self.options_list(element.get("options"), f"{where}.options", limit=10)
            for i, chosen in enumerate(element.get("initial_options") or []):
                self.initial_in(chosen, available, f"{where}.initial_options[{i}]")
        elif kind == "overflow":
            self.action_id(element, where)
            options = element.get("options")
            if not isinstance(options, list) or not 2 <= len(options) <= 5:
                self.fail(where, "an overflow menu needs 2 to 5 options")
            self.options_list(options, f"{where}.options", limit=5)
        elif kind == "conversations_select":
            self.action_id(element, where)
            self.placeholder(element, where)
        elif kind == "image":
            pass
        else:
            self.fail(where, f"unexpected element type {kind!r}")

    # --- blocks ------------------------------------------------------------------------------------------------

    def block(self, block: Any, where: str) -> None:
        if not isinstance(block, dict):
            self.fail(where, "block must be a dict")
            return
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            self.fail(where, f"unexpected block type {kind!r}")
        block_id = block.get("block_id")
        if block_id is not None:
            if not isinstance(block_id, str) or not block_id:
                self.fail(where, "block_id must be a non-empty string")
            elif len(block_id) > 255:
                self.fail(where, f"block_id is {len(block_id)} characters, limit 255")
            elif block_id in self.block_ids:
                self.fail(where, f"block_id {block_id!r} is not unique")
            else:
                self.block_ids.add(block_id)
        self.current_block_id = block_id if isinstance(block_id, str) else None
        if kind == "section":
            if "text" not in block and "fields" not in block:
                self.fail(where, "section needs text or fields")
            if "text" in block:
                self.text(block["text"], f"{where}.text", max_len=3000)
            fields = block.get("fields", [])
            if len(fields) > 10:
                self.fail(where, f"{len(fields)} fields, limit 10")
            for i, f in enumerate(fields):
                self.text(f, f"{where}.fields[{i}]", max_len=2000)
            if "accessory" in block:
                self.element(block["accessory"], f"{where}.accessory")
        elif kind == "header":
            self.text(block.get("text"), f"{where}.text", max_len=150, plain_only=True)
        elif kind == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not elements:
                self.fail(where, "context needs at least one element")
                elements = []
            if len(elements) > 10:
                self.fail(where, f"{len(elements)} context elements, limit 10")
            for i, e in enumerate(elements):
                if isinstance(e, dict) and e.get("type") == "image":
                    continue
                self.text(e, f"{where}.elements[{i}]", max_len=3000)
        elif kind == "actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not elements:
                self.fail(where, "actions needs at least one element")
                elements = []
            if len(elements) > 25:
                self.fail(where, f"{len(elements)} actions elements, limit 25")
            for i, e in enumerate(elements):
                self.element(e, f"{where}.elements[{i}]")
        elif kind == "input":
            self.text(block.get("label"), f"{where}.label", max_len=2000, plain_only=True)
            if "hint" in block:
                self.text(block["hint"], f"{where}.hint", max_len=2000, plain_only=True)
            if "optional" in block and not isinstance(block["optional"], bool):
                self.fail(where, "optional must be a boolean")
            self.element(block.get("element"), f"{where}.element")
        elif kind == "divider" and set(block) - {"type", "block_id"}:
            self.fail(where, f"divider has unexpected keys {sorted(set(block) - {'type', 'block_id'})}")

    def every_text_object(self, node: Any, where: str) -> None:
        """Anywhere in the tree: a dict under a text-ish key is a text object of a known type."""
        if isinstance(node, dict):
            for key, value in node.items():
                if key in TEXT_KEYS and isinstance(value, dict) and value.get("type") not in TEXT_TYPES:
                    self.fail(f"{where}.{key}", f"text object type {value.get('type')!r} is not plain_text or mrkdwn")
                self.every_text_object(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                self.every_text_object(value, f"{where}[{i}]")

    def blocks(self, blocks: Any, limit: int, where: str = "blocks") -> None:
        if not isinstance(blocks, list):
            self.fail(where, "blocks must be a list")
            return
        if len(blocks) > limit:
            self.fail(where, f"{len(blocks)} blocks, limit {limit}")
        for i, block in enumerate(blocks):
            self.block(block, f"{where}[{i}]")
        self.every_text_object(blocks, where)

    def raise_if_any(self) -> None:
        assert not self.problems, "Block Kit problems:\n" + "\n".join(self.problems)


def assert_valid_blocks(blocks: list[dict[str, Any]], limit: int) -> None:
    """Fail with every problem found, if ``blocks`` break a documented Block Kit limit (``limit`` = max blocks)."""
    checker = _Checker()
    checker.blocks(blocks, limit)
    checker.raise_if_any()


def assert_valid_view(view: dict[str, Any]) -> None:
    """A modal or Home tab view: the view-level fields, then its blocks (≤ 100)."""
    checker = _Checker()
    kind = view.get("type")
    if kind not in ("modal", "home"):
        checker.fail("view", f"type {kind!r} is not modal or home")
    if kind == "modal":
        checker.text(view.get("title"), "view.title", max_len=24, plain_only=True)
        for key in ("submit", "close"):
            if key in view:
                checker.text(view[key], f"view.{key}", max_len=24, plain_only=True)
        if (
            any(b.get("type") == "input" for b in view.get("blocks", []) if isinstance(b, dict))
            and "submit" not in view
        ):
            checker.fail("view", "a modal with input blocks needs a submit button")
    for key in ("callback_id", "external_id"):
        if key in view and len(str(view[key])) > 255:
            checker.fail(f"view.{key}", "longer than 255 characters")
    if "private_metadata" in view:
        metadata = view["private_metadata"]
        if not isinstance(metadata, str):
            checker.fail("view.private_metadata", "must be a string")
        elif len(metadata) > 3000:
            checker.fail("view.private_metadata", f"{len(metadata)} characters, limit 3000")
    checker.blocks(view.get("blocks"), VIEW_LIMIT, "view.blocks")
    checker.raise_if_any()


def assert_valid_reply(reply: Reply) -> None:
    """A message: non-empty fallback ``text`` (notifications, screen readers) and valid blocks (≤ 50)."""
    assert isinstance(reply, Reply), f"expected a Reply, got {type(reply).__name__}"
    assert isinstance(reply.text, str) and reply.text.strip(), "a message needs non-empty fallback text"
    kwargs = reply.as_kwargs()
    assert kwargs["text"] == reply.text
    if reply.blocks:
        assert_valid_blocks(kwargs["blocks"], MESSAGE_LIMIT)
    else:
        assert "blocks" not in kwargs, "an empty blocks list should not be sent"


def walk_text(node: Any, kind: str | None = None) -> list[str]:
    """Every text object's ``text`` in the tree (only ``kind`` — "mrkdwn" or "plain_text" — if given)."""
    found: list[str] = []
    if isinstance(node, dict):
        is_text = node.get("type") in TEXT_TYPES and isinstance(node.get("text"), str)
        if is_text and (kind is None or node["type"] == kind):
            found.append(node["text"])
        for value in node.values():
            found += walk_text(value, kind)
    elif isinstance(node, list):
        for value in node:
            found += walk_text(value, kind)
    return found


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b.get("type") == "actions" for e in b["elements"] if e.get("type") == "button"]
