"""Celebrating milestones: the private consent question and the announcement-channel posts. Pure builders."""

from __future__ import annotations

from prompts.blocks import Block, Reply, actions, button, section
from prompts.blocks import escape as esc

ACTION_YES, ACTION_NO = "celebrate_yes", "celebrate_no"


def consent_question(*, pair_id: int, channel_id: str) -> Reply:
    text = (
        f"May we celebrate your pair's milestones in <#{channel_id}>? (your first meeting, your fifth, and finishing "
        "the program: a short post naming you both, nothing else). We only post if you both say yes; you can change "
        "your mind any time with these buttons."
    )
    blocks: list[Block] = [
        section(text),
        actions(
            button("Yes, celebrate", ACTION_YES, value=str(pair_id), style="primary"),
            button("No, thanks", ACTION_NO, value=str(pair_id)),
        ),
    ]
    return Reply(text, blocks)


def consent_reply(celebrate: bool) -> Reply:
    if celebrate:
        return Reply(":tada: Thanks! We'll celebrate your milestones once your partner agrees too.")
    return Reply("Understood: nothing about you will be posted. You can change your mind with the buttons above.")


WORDS = {
    "first": "had their first reverse-mentoring meeting",
    "fifth": "have met five times",
    "completed": "completed *{program}* together",
}


def celebration(*, milestone: str, mentor_id: str, mentee_id: str, program: str) -> Reply:
    what = WORDS.get(milestone, "reached a milestone").format(program=esc(program))
    text = f":tada: <@{mentor_id}> (reverse mentor) and <@{mentee_id}> {what}!"
    return Reply(text, [section(text)])
