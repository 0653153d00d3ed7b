"""Feedback after a meeting (a private DM, a short modal), the pairing-fit question, and notes shared between
partners. Pure builders: data in, text and blocks out."""

from __future__ import annotations

from typing import Any

from prompts.blocks import Block, Reply, actions, button, context, input_block, option, plain, section
from prompts.blocks import escape as esc
from prompts.intros import ACTION_NOT_WORKING

ACTION_OPEN = "feedback_open"
CALLBACK_ID = "meeting_feedback"
ACTION_FIT_YES = "fit_yes"
ACTION_FIT_NO = "fit_no"
RATING, TOPIC, LEARNED, NOTE, SHARE = "fb_rating", "fb_topic", "fb_learned", "fb_note", "fb_share"
TOPIC_MAX, LEARNED_MAX, NOTE_MAX = 200, 1000, 500
RATINGS = {
    "5": "5 · Very useful",
    "4": "4 · Useful",
    "3": "3 · Somewhat useful",
    "2": "2 · Not very useful",
    "1": "1 · Not useful",
}
ERRORS = {
    "rating": "Pick how useful the meeting was, from 1 to 5.",
    "topic": f"Please keep the topic under {TOPIC_MAX} characters.",
    "learned": f"Please keep this under {LEARNED_MAX} characters.",
    "note": f"Please keep the note under {NOTE_MAX} characters.",
    "share_empty": "Write a note to share, or untick sharing.",
    "closed": "This check-in isn't recorded as a meeting (*We met*), so there's no feedback to give for it.",
}
PRIVACY = (
    "What program admins see, never with your name: your rating, only in averages over 3 people or more; what you "
    "talked about, once at least 3 people named the same topic; what you learned or taught, word for word, once at "
    "least 3 people in your role have written some. Your note is never shown to admins: your partner sees it only if "
    "you tick *Share my note with my partner*, and never your rating."
)


def ask_message(*, pair_id: int, period: int, partner_id: str) -> Reply:
    """The DM each person gets after their pair answered *We met*."""
    text = f"How was your meeting with <@{partner_id}>? Two minutes of feedback helps you both grow."
    return Reply(
        text,
        [
            section(text),
            actions(button("Give feedback", ACTION_OPEN, value=f"{pair_id}:{period}", style="primary")),
            context(PRIVACY),
        ],
    )


def _note_label(role: str) -> str:
    if role == "mentee":  # the senior colleague, about their junior reverse mentor
        return "One line for your reverse mentor: how their mentoring lands with you (optional)"
    return "One line for your mentee: what you noticed or learned about them (optional)"


def feedback_modal(
    *, pair_id: int, period: int, partner_id: str, role: str, topic: str, saved: dict[str, Any] | None = None
) -> Block:
    """The feedback form, pre-filled with the topic suggested to the pair, or with what the person gave before."""
    saved = saved or {}
    rating = str(saved.get("rating") or "")
    rating_element: Block = {
        "type": "static_select",
        "action_id": RATING,
        "placeholder": plain("Pick one"),
        "options": [option(label, value) for value, label in RATINGS.items()],
    }
    if rating in RATINGS:
        rating_element["initial_option"] = option(RATINGS[rating], rating)
    share: Block = {
        "type": "checkboxes",
        "action_id": SHARE,
        "options": [option("Share my note with my partner", "share")],
    }
    if saved.get("share_note"):
        share["initial_options"] = [option("Share my note with my partner", "share")]
    learned_label = (
        "What did you learn? (optional)" if role == "mentee" else "What did you teach, or learn yourself? (optional)"
    )
    blocks = [
        section(f"Your meeting with <@{partner_id}>" + (" · *editing your feedback*" if saved else "")),
        input_block(RATING, "How useful was it?", rating_element),
        input_block(
            TOPIC,
            "What did you talk about?",
            _text(TOPIC, str(saved.get("topic") or topic), TOPIC_MAX),
            optional=True,
        ),
        input_block(
            LEARNED,
            learned_label,
            _text(LEARNED, str(saved.get("learned") or ""), LEARNED_MAX, multiline=True),
            optional=True,
        ),
        input_block(
            NOTE, _note_label(role), _text(NOTE, str(saved.get("note") or ""), NOTE_MAX, multiline=True), optional=True
        ),
        input_block(SHARE, "Your partner", share, optional=True),
        context(PRIVACY),
    ]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain("Meeting feedback"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": f"{pair_id}:{period}",
        "blocks": blocks,
    }


def _text(action_id: str, initial: str, limit: int, *, multiline: bool = False) -> Block:
    element: Block = {"type": "plain_text_input", "action_id": action_id, "max_length": limit, "multiline": multiline}
    if initial:
        element["initial_value"] = initial[:limit]
    return element


def thanks_view(*, partner_id: str, note: str, edited: bool) -> Block:
    """``note``: shared (goes now), already (passed on before; edits aren't resent) or private."""
    said = "Your feedback is updated." if edited else "Thank you: your feedback is saved."
    shared_line = {
        "shared": f" Your note goes to <@{partner_id}>.",
        "already": f" Your note was already passed on to <@{partner_id}>; changes to it aren't sent again.",
    }.get(note, " Nothing was shared with your partner.")
    return {
        "type": "modal",
        "title": plain("Meeting feedback"),
        "close": plain("Done"),
        "blocks": [section(f":white_check_mark: {said}{shared_line}"), context(PRIVACY)],
    }


def saving_view() -> Block:
    """What the form turns into the moment it is sent (the answers are saved right after, then
    :func:`thanks_view` or :func:`not_saved_view` replaces it)."""
    return {
        "type": "modal",
        "title": plain("Meeting feedback"),
        "close": plain("Done"),
        "blocks": [section(":hourglass_flowing_sand: Saving your feedback…"), context(PRIVACY)],
    }


NOT_SAVED = "Sorry, we couldn't save your feedback just now. Here it is, so nothing is lost:"


def not_saved_view() -> Block:
    return {
        "type": "modal",
        "title": plain("Meeting feedback"),
        "close": plain("Done"),
        "blocks": [
            section(
                ":warning: Sorry, we couldn't save your feedback just now. We've sent your answers to you by DM, so "
                "nothing is lost: *Give feedback again* there when you're ready."
            )
        ],
    }


def not_saved_dm(*, pair_id: int, period: int, answers: dict[str, Any]) -> Reply:
    """After the form closed, saving failed: the person's answers (rating, topic, learned, note, share) back, and
    the button that opens the form again."""
    shown = [
        ("How useful", RATINGS.get(str(answers.get("rating")), "—")),
        ("Talked about", answers.get("topic") or "—"),
        ("Learned", answers.get("learned") or "—"),
        ("Note", answers.get("note") or "—"),
        ("Share the note", "yes" if answers.get("share_note") else "no"),
    ]
    return Reply(
        NOT_SAVED,
        [
            section(f":warning: {NOT_SAVED}"),
            *(section(f"*{label}:* {esc(str(value))}") for label, value in shown),
            actions(button("Give feedback again", ACTION_OPEN, value=f"{pair_id}:{period}", style="primary")),
        ],
    )


def shared_note_message(*, author_id: str, note: str, author_role: str) -> Reply:
    """A partner's note, shared by its author (never with a rating)."""
    who = "your mentee" if author_role == "mentee" else "your reverse mentor"
    text = f"<@{author_id}> ({who}) shared a note after your meeting:\n>{esc(note).replace(chr(10), chr(10) + '>')}"
    return Reply(text, [section(text)])


def fit_message(*, pair_id: int, partner_id: str) -> Reply:
    """After the pair's first meeting, privately to each person."""
    text = (
        f"You've had your first meeting with <@{partner_id}>. Is this pairing working for you? "
        "Only you and the program admins see your answer."
    )
    return Reply(
        text,
        [
            section(text),
            actions(
                button("Yes, it's working", ACTION_FIT_YES, value=str(pair_id), style="primary"),
                button("Not really", ACTION_FIT_NO, value=str(pair_id)),
            ),
        ],
    )


def fit_yes_reply() -> Reply:
    return Reply(":raised_hands: Great, thanks for saying so. Enjoy the next meetings!")


def fit_no_reply(pair_id: int, partner_id: str) -> Reply:
    """A "no": a rematch offered (the introduction's private rematch request), admins alerted, the partner not."""
    text = (
        "Thanks for being honest. Program admins can see that this pairing isn't working for you (your partner "
        f"<@{partner_id}> isn't told). If you'd like a new partner in the next round, ask for a rematch:"
    )
    return Reply(
        text,
        [section(text), actions(button("Ask for a rematch", ACTION_NOT_WORKING, value=str(pair_id)))],
    )


def fit_alert_message(*, user_id: str, program: str) -> Reply:
    """To a program admin: someone said, after their first meeting, that their pairing isn't working."""
    text = (
        f":warning: <@{user_id}> said their pairing in *{esc(program)}* isn't working for them (asked privately after "
        "their first meeting; their partner isn't told). They were offered a rematch; your Home tab lists it under "
        "*Pairings not working*."
    )
    return Reply(text, [section(text)])


def fit_concern_blocks(concerns: list[dict[str, Any]], shown: int = 5) -> list[Block]:
    """For admins: people who said their pairing isn't working (user_id, program)."""
    if not concerns:
        return []
    lines = [f"• <@{c['user_id']}> in *{esc(c.get('program') or '')}*" for c in concerns[:shown]]
    more = f"\n…and {len(concerns) - shown} more." if len(concerns) > shown else ""
    return [
        section(f"*Pairings not working ({len(concerns)})*\n" + "\n".join(lines) + more),
        context(
            "Said after their first meeting; private, partners are never told. A rematch request follows if "
            "they ask for one."
        ),
    ]
