"""A new pair's introduction in their group DM, its buttons' answers, and rematch requests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prompts.blocks import Block, Reply, actions, button, context, divider, escape, header, input_block, plain, section
from prompts.home import time_frame
from prompts.matching import explanation, reasons_of
from prompts.topics import TopicIdea, topic_lines

ACTION_SCHEDULED = "intro_scheduled"
ACTION_ANOTHER_TOPIC = "intro_another_topic"
ACTION_NOT_WORKING = "intro_not_working"
REMATCH_CALLBACK_ID = "rematch_request"
REMATCH_REASON = "rematch_reason"

KICK_OFF = (
    "Agree how often and when you'll meet (a 30-minute call every couple of weeks works well).",
    "Say what each of you wants to get out of it, and write it down.",
    "Set ground rules: candour both ways, and what's said here stays here.",
    "Pick which topic comes first (three ideas below).",
)


def intro_message(
    *,
    pair_id: int,
    mentor_id: str,
    mentee_id: str,
    reasons: dict[str, Any],
    program: dict[str, Any],
    topics: Sequence[TopicIdea],
) -> Reply:
    """``program``: name, objectives, start_date, end_date, cadence (as the Home tab shows them)."""
    why = explanation(reasons_of(reasons), mentor_id=mentor_id, mentee_id=mentee_id)
    blocks: list[Block] = [
        header("Meet your reverse mentoring partner"),
        section(
            f"<@{mentor_id}> is the *reverse mentor* of <@{mentee_id}> in *{escape(program['name'])}*: "
            f"<@{mentor_id}> shares a fresh view and digital know-how, <@{mentee_id}> shares business experience "
            f"in return.\n*Why you two:* {why}."
        ),
    ]
    about = [f"*Time frame:* {time_frame(program)}"]
    if program.get("objectives"):
        about.insert(0, f"*Objectives:* {escape(program['objectives'])}")
    blocks.append(section("\n".join(about)))
    blocks.append(section("*Kick-off checklist*\n" + "\n".join(f"☐ {item}" for item in KICK_OFF)))
    if topics:
        blocks.append(divider())
        blocks.append(section("*Three first topics*"))
        blocks += [section(topic_lines(t)) for t in topics[:3]]
    blocks += [
        actions(
            button("We've scheduled our first meeting", ACTION_SCHEDULED, value=str(pair_id), style="primary"),
            button("Suggest another topic", ACTION_ANOTHER_TOPIC, value=str(pair_id)),
            button("This match doesn't work for me", ACTION_NOT_WORKING, value=str(pair_id)),
            block_id=f"intro-{pair_id}",
        ),
        context(
            "Only the two of you and this app are in this conversation. *This match doesn't work for me* is "
            "private: your partner is never told, only program admins see it."
        ),
    ]
    text = f"Meet your reverse mentoring partner: <@{mentor_id}> and <@{mentee_id}> in {escape(program['name'])}."
    return Reply(text, blocks)


def scheduled_message(user_id: str) -> Reply:
    return Reply(
        f":calendar: <@{user_id}> says your first meeting is scheduled. Enjoy it, and use the kick-off checklist "
        "above to get the most out of it."
    )


def already_scheduled_reply() -> Reply:
    return Reply("Your first meeting is already noted as scheduled. :thumbsup:")


def topic_message(topic: TopicIdea, user_id: str) -> Reply:
    return Reply(f"<@{user_id}> asked for another topic:\n{topic_lines(topic)}")


def topic_needs_pair_reply(not_partner: str | None = None) -> Reply:
    if not_partner:
        return Reply(f"You're not paired with <@{not_partner}> right now. `/mentor status` shows your pairs.")
    return Reply(
        "You're not in a pair right now: topics come with your introduction once the next round is matched. "
        "Until then, your Home tab shows the program's topics."
    )


def topic_which_pair_reply(partners: list[str]) -> Reply:
    names = ", ".join(f"`/mentor topic <@{p}>`" for p in partners)
    return Reply(f"You're in {len(partners)} pairs: say which one, e.g. {names}.")


def topic_posted_reply(partner_id: str) -> Reply:
    return Reply(f"Posted a new topic in your conversation with <@{partner_id}>.")


def topic_private_reply(topic: TopicIdea) -> Reply:
    """When the pair's conversation can't be posted in (not opened yet, or Slack refused): the topic, privately."""
    return Reply(f"A topic for your next meeting:\n{topic_lines(topic)}")


def no_more_topics_reply() -> Reply:
    return Reply(
        "You've had every topic your profiles and the program's catalogue offer. Pick one you enjoyed and go deeper, "
        "or add topics to your profile with `/mentor profile`."
    )


def not_in_pair_reply() -> Reply:
    return Reply("Those buttons are for the two people in this pair.")


def pair_gone_reply() -> Reply:
    return Reply("This pairing has ended, so there's nothing to change here. Your Home tab shows your current pair.")


def rematch_modal(pair_id: int, partner_id: str) -> Block:
    return {
        "type": "modal",
        "callback_id": REMATCH_CALLBACK_ID,
        "title": plain("Ask for a rematch"),
        "submit": plain("Ask for a rematch"),
        "close": plain("Cancel"),
        "private_metadata": str(pair_id),
        "blocks": [
            section(
                f"It's fine if this pairing with <@{partner_id}> isn't right. Your program admins will see your "
                "request; your partner is never told. You'll be matched with someone else in the next round "
                "(never the same person), and until then nothing changes."
            ),
            input_block(
                REMATCH_REASON,
                "Why? (optional, only admins see it)",
                {"type": "plain_text_input", "action_id": REMATCH_REASON, "multiline": True, "max_length": 500},
                optional=True,
            ),
        ],
    }


def rematch_recorded_reply(program_name: str, *, again: bool) -> Reply:
    first = "Your rematch request is updated" if again else "Your rematch request is noted"
    return Reply(
        f":ok_hand: {first} for *{escape(program_name)}*. Only program admins see it; your partner isn't told. "
        "You'll get a new partner in the next round, never the same person."
    )


def rematch_needs_pair_reply() -> Reply:
    return Reply(
        "You're not in a pair right now, so there's nothing to rematch: you'll be introduced to a partner when the "
        "next round is matched. To avoid someone, use `/mentor avoid @someone`."
    )


def rematch_which_pair_reply(count: int) -> Reply:
    return Reply(
        f"You're in {count} pairs. Use *This match doesn't work for me* in the introduction of the pair you mean, "
        "so we rematch the right one."
    )
