"""Check-ins, nudges and the stalled-pair question: the messages of the meeting rhythm, and their answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo

from prompts.blocks import Block, Reply, actions, button, context, escape, plain, section
from prompts.topics import TopicIdea, topic_lines

ACTION_MET = "checkin_met"
ACTION_SCHEDULED = "checkin_scheduled"
ACTION_NOT_YET = "checkin_not_yet"
ACTION_SKIP = "checkin_skip"
ANSWER_ACTIONS = {ACTION_MET: "met", ACTION_SCHEDULED: "scheduled", ACTION_NOT_YET: "not_yet", ACTION_SKIP: "skip"}
ANSWER_WORDS = {
    "met": "we met :tada:",
    "scheduled": "a meeting is scheduled :calendar:",
    "not_yet": "not yet",
    "skip": "skipping this cycle",
}
ACTION_MEETING_TIMES = "nudge_meeting_times"
ACTION_STAY = "stalled_stay"
ACTION_PAUSE = "stalled_pause"
ACTION_LEAVE = "stalled_leave"
STATUS_BLOCK = "checkin-status"


def checkin_message(
    *,
    pair_id: int,
    period: int,
    mentor_id: str,
    mentee_id: str,
    program_name: str,
    since: date | None,
    topic: TopicIdea | None,
) -> Reply:
    value = f"{pair_id}:{period}"
    when = f" since {since.strftime('%a %d %b')}" if since else ""
    blocks: list[Block] = [
        section(
            f":wave: <@{mentor_id}> <@{mentee_id}>, check-in {period} of *{escape(program_name)}*: did you meet{when}?"
        ),
        actions(
            button("We met", ACTION_MET, value=value, style="primary"),
            button("Scheduled", ACTION_SCHEDULED, value=value),
            button("Not yet", ACTION_NOT_YET, value=value),
            button("Skip this cycle", ACTION_SKIP, value=value),
            block_id=f"checkin-{value}",
        ),
    ]
    if topic is not None:
        blocks.append(section("*A topic for your next conversation*\n" + topic_lines(topic)))
    blocks.append(context("Either of you can answer; the latest answer counts.", block_id=STATUS_BLOCK))
    return Reply(f"Check-in {period} of {escape(program_name)}: did you meet{when}?", blocks)


def answered(blocks: list[Block], *, answer: str, user_id: str) -> list[Block]:
    """The check-in as shown once someone answered (updated in place, buttons kept so it can be corrected)."""
    status = context(f"<@{user_id}> answered: *{ANSWER_WORDS.get(answer, answer)}*. Thanks!", block_id=STATUS_BLOCK)
    return [status if b.get("block_id") == STATUS_BLOCK else b for b in blocks]


def nudge_message(*, pair_id: int, period: int, mentor_id: str, mentee_id: str) -> Reply:
    text = (
        f"<@{mentor_id}> <@{mentee_id}>, it's been two cycles without a meeting: that happens to busy people. "
        "A 30-minute call this week keeps things going. Need a time that suits you both?"
    )
    blocks = [
        section(text),
        actions(
            button("Suggest a time", ACTION_MEETING_TIMES, value=f"{pair_id}:{period}"), block_id=f"nudge-{pair_id}"
        ),
    ]
    return Reply("It's been two cycles without a meeting: a time that suits you both?", blocks)


def meeting_times_modal(slots: Sequence[tuple[datetime, datetime]], people: Sequence[tuple[str, tzinfo]]) -> Block:
    """``slots``: shared working hours (UTC start, end); shown in each person's own time."""
    lines = []
    for start, end in slots:
        local = "; ".join(
            f"<@{user}>: {start.astimezone(tz).strftime('%a %d %b %H:%M')}–{end.astimezone(tz).strftime('%H:%M')}"
            for user, tz in people
        )
        lines.append(f"• {local}")
    text = (
        "*Times when you're both within working hours:*\n" + "\n".join(lines)
        if lines
        else "Your working hours don't overlap on weekdays: agree a time outside them that suits you both."
    )
    return {
        "type": "modal",
        "title": plain("Meeting times"),
        "close": plain("Close"),
        "blocks": [section(text), context("From your Slack time zones and the program's working hours.")],
    }


def stalled_dm(*, program_id: int, program_name: str, partner_id: str) -> Reply:
    text = (
        f"Your last three check-ins with <@{partner_id}> in *{escape(program_name)}* went unanswered. No problem: "
        "what would you like to do? Only you and the program admins see this."
    )
    value = str(program_id)
    return Reply(
        text,
        [
            section(text),
            actions(
                button("Keep going", ACTION_STAY, value=value, style="primary"),
                button("Pause for now", ACTION_PAUSE, value=value),
                button("Leave the program", ACTION_LEAVE, value=value),
                block_id=f"stalled-{program_id}",
            ),
        ],
    )


def stalled_answer_reply(choice: str, program_name: str) -> Reply:
    name = escape(program_name)
    return Reply(
        {
            "stay": f"Great, you're still in *{name}*. Your next check-in comes as usual.",
            "pause": f"You're paused in *{name}*: no check-ins until you resume (`/mentor resume` or the Home tab).",
            "leave": f"You've left *{name}*; your history is kept and `/mentor join` brings you back.",
        }.get(choice, "Noted.")
    )


def milestone_message(*, which: str, program_name: str, mentor_id: str, mentee_id: str) -> Reply:
    """Half-way through the program (``mid``), and its last day (``end``)."""
    name = escape(program_name)
    if which == "mid":
        text = (
            f":hourglass_flowing_sand: <@{mentor_id}> <@{mentee_id}>, you're half-way through *{name}*. A good moment "
            "to look back at what you each wanted from it: what has worked, and what would you like to cover before "
            "the end? If it isn't working, `/mentor rematch` is private."
        )
    else:
        text = (
            f":sparkles: <@{mentor_id}> <@{mentee_id}>, *{name}* ends today. Thank you both for your time and your "
            "candour. What next: keep meeting if it helps you both (nothing stops you), share what you learned with "
            "your teams, and tell the program admins what to change for the next program."
        )
    return Reply(text)


def checkin_closed_reply() -> Reply:
    return Reply(
        "That check-in isn't open for this pair (it was never sent, or the program changed). The latest one is."
    )
