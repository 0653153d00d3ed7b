"""The mid- and end-of-program surveys (a DM with a button, a short modal) and the sign-up form's confidence
question, the "before" baseline. Pure builders."""

from __future__ import annotations

from typing import Any

from prompts.blocks import Block, Reply, actions, button, context, input_block, option, plain, section
from prompts.blocks import escape as esc

ACTION_OPEN = "survey_open"
CALLBACK_ID = "program_survey"
CONFIDENCE = "confidence_today"  # the sign-up form's block
RECOMMEND, CHANGE = "sv_recommend", "sv_change"
SKILL_PREFIX = "sv_skill_"
SKILLS_SHOWN = 8
CHANGE_MAX = 1000
LEVELS = {"1": "1 · Not at all", "2": "2 · A little", "3": "3 · Somewhat", "4": "4 · Quite", "5": "5 · Very"}
STAGE_WORDS = {"mid": "half-way", "end": "end-of-program"}
ERRORS = {
    "level": "Pick how confident you feel, from 1 to 5.",
    "recommend": "Pick a number from 0 to 10.",
    "change": f"Please keep this under {CHANGE_MAX} characters.",
    "closed": "This survey isn't for you, or its program is gone.",
}
PRIVATE = (
    "What program admins see, never with your name: your levels and your 0–10 answer, only in averages over 3 "
    "people or more; what you would change, word for word, once at least 3 people have written some for this survey."
)


def _levels(action_id: str, initial: str | None = None) -> Block:
    element: Block = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain("Pick one"),
        "options": [option(label, value) for value, label in LEVELS.items()],
    }
    if initial in LEVELS:
        element["initial_option"] = option(LEVELS[str(initial)], str(initial))
    return element


def confidence_block(initial: int | None = None) -> Block:
    """The sign-up form's optional question: confidence today in the topics picked (the "before" baseline)."""
    return input_block(
        CONFIDENCE,
        "How confident do you feel today with the topics you picked?",
        _levels(CONFIDENCE, str(initial) if initial else None),
        hint="Optional, private. We ask again half-way and at the end, so you (and the program) can see progress.",
        optional=True,
    )


def survey_dm(*, program_id: int, program_name: str, stage: str) -> Reply:
    text = (
        f"*{esc(program_name)}* is at its {STAGE_WORDS.get(stage, stage)} point. One minute: how confident do you "
        "feel now, and would you recommend the program?"
    )
    return Reply(
        text,
        [
            section(text),
            actions(button("Answer the survey", ACTION_OPEN, value=f"{program_id}:{stage}", style="primary")),
            context(PRIVATE),
        ],
    )


def survey_modal(
    *, program_id: int, stage: str, skills: list[tuple[str, str]], saved: dict[str, Any] | None = None
) -> Block:
    """``skills``: (key, label) of the topics the person picked."""
    saved = saved or {}
    levels = saved.get("levels") or {}
    blocks: list[Block] = [section(f"Your {STAGE_WORDS.get(stage, stage)} survey")]
    for index, (key, label) in enumerate(skills[:SKILLS_SHOWN]):
        blocks.append(
            input_block(
                f"{SKILL_PREFIX}{index}",
                f"Confidence with {label[:100]}",
                _levels(f"{SKILL_PREFIX}{index}", str(levels.get(key) or "") or None),
            )
        )
    recommend: Block = {
        "type": "static_select",
        "action_id": RECOMMEND,
        "placeholder": plain("0 = not at all, 10 = absolutely"),
        "options": [option(str(n), str(n)) for n in range(11)],
    }
    if saved.get("recommend") is not None:
        recommend["initial_option"] = option(str(saved["recommend"]), str(saved["recommend"]))
    change: Block = {"type": "plain_text_input", "action_id": CHANGE, "multiline": True, "max_length": CHANGE_MAX}
    if saved.get("change"):
        change["initial_value"] = str(saved["change"])
    blocks += [
        input_block(RECOMMEND, "Would you recommend the program to a colleague?", recommend),
        input_block(CHANGE, "What would you change? (optional)", change, optional=True),
        context(PRIVATE),
    ]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain("Program survey"),
        "submit": plain("Send"),
        "close": plain("Cancel"),
        "private_metadata": f"{program_id}:{stage}:" + ",".join(key for key, _ in skills[:SKILLS_SHOWN]),
        "blocks": blocks,
    }


def thanks_view(*, again: bool) -> Block:
    said = "Your answers are updated." if again else "Thank you: your answers are saved."
    return {
        "type": "modal",
        "title": plain("Program survey"),
        "close": plain("Done"),
        "blocks": [section(f":white_check_mark: {said}"), context(PRIVATE)],
    }


def saving_view() -> Block:
    """What the form turns into the moment it is sent (the answers are saved right after, then
    :func:`thanks_view` or :func:`not_saved_view` replaces it)."""
    return {
        "type": "modal",
        "title": plain("Program survey"),
        "close": plain("Done"),
        "blocks": [section(":hourglass_flowing_sand: Saving your answers…"), context(PRIVATE)],
    }


NOT_SAVED = "Sorry, we couldn't save your survey answers just now. Here they are, so nothing is lost:"


def not_saved_view() -> Block:
    return {
        "type": "modal",
        "title": plain("Program survey"),
        "close": plain("Done"),
        "blocks": [
            section(
                ":warning: Sorry, we couldn't save your answers just now. We've sent them to you by DM, so nothing "
                "is lost: *Answer the survey* there when you're ready."
            )
        ],
    }


def not_saved_dm(*, program_id: int, stage: str, answers: dict[str, Any], labels: dict[str, str]) -> Reply:
    """After the form closed, saving failed: the person's answers (``answers``: levels by topic key, recommend,
    change; ``labels``: the topics' names) back, and the button that opens the survey again."""
    lines = [
        f"*Confidence with {esc(labels.get(key, key))}:* {LEVELS.get(str(value), value)}"
        for key, value in (answers.get("levels") or {}).items()
    ]
    lines.append(f"*Would recommend:* {answers.get('recommend', '—')} / 10")
    return Reply(
        NOT_SAVED,
        [
            section(f":warning: {NOT_SAVED}"),
            section("\n".join(lines)),
            section(f"*What you would change:* {esc(str(answers.get('change') or '—'))}"),
            actions(button("Answer the survey", ACTION_OPEN, value=f"{program_id}:{stage}", style="primary")),
        ],
    )
