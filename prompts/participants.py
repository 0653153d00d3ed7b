"""Replies to ``/mentor`` and the DMs about a person's own profile."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from prompts.blocks import Reply, actions, button, context, header, section
from prompts.blocks import escape as esc
from prompts.optin import FORMAT_LABELS, ROLE_LABELS
from prompts.topics import topic_label

DEFAULT_OBJECTIVES = (
    "Spread digital skills and fresh perspectives upward, and business experience back, through regular "
    "one-to-one conversations between colleagues of different generations and departments."
)

ACTION_EDIT_PROFILE = "edit_profile"
ACTION_JOIN = "join_program"
ACTION_CONFIRM_LEAVE = "confirm_leave"
ACTION_CONFIRM_DELETE = "confirm_delete_data"
ACTION_CANCEL = "cancel_confirmation"
ACTION_RETRY_FORM = "retry_optin_form"

HELP_LINES = (
    ("/mentor", "join the program, or see your status if you already have"),
    ("/mentor join", "open the sign-up form (pick a program there when several are open)"),
    ("/mentor status", "your profile and where you stand in each program"),
    ("/mentor edit", "change your answers"),
    ("/mentor pause [until YYYY-MM-DD]", "take a break from matching and check-ins (in every program)"),
    ("/mentor resume", "come back from a pause"),
    ("/mentor leave", "stop taking part (asks which program if you're in several; your history is kept)"),
    ("/mentor delete-my-data", "erase your answers and feedback"),
    ("/mentor avoid [@someone …]", "people you'd rather not be paired with (private; `remove @someone` takes one off)"),
    ("/mentor rematch [reason]", "ask for a new partner next round (private: only admins see it, never your partner)"),
    ("/mentor topic [@partner]", "a new discussion topic for your pair, posted in your conversation for you both"),
    ("/mentor help", "this list"),
)

STATE_LABELS = {
    "active": "taking part",
    "paused": "paused",
    "left": "left the program",
}


def help_reply(*, unknown: str | None = None, suggestion: str | None = None) -> Reply:
    lines = "\n".join(f"`{cmd}`: {what}" for cmd, what in HELP_LINES)
    blocks = []
    intro = ""
    if unknown is not None:
        intro = f"I don't know `{esc(unknown[:40])}`."
        if suggestion:
            intro += f" Did you mean `/mentor {suggestion}`?"
        blocks.append(section(intro))
    blocks += [section("*Reverse mentoring: what you can do*\n" + lines)]
    text = (intro + " " if intro else "") + "Type /mentor help to see what you can do."
    return Reply(text, blocks)


def error_reply(message: str) -> Reply:
    return Reply(message, [section(f":warning: {message}")])


PAUSE_EXAMPLE = "`/mentor pause until 2027-01-31`"


def pause_date_error_reply(reason: str, word: str = "") -> Reply:
    """``reason`` from :class:`bot.runtime.errors.PauseDateError`: format, past or too_far."""
    if reason == "past":
        message = "That date has passed where you are: pick a day after today, or `/mentor pause` with no date."
    elif reason == "too_far":
        message = "You can pause for up to a year at a time: pick an earlier date."
    elif word:
        message = f"“{esc(word[:30])}” is not a date: use YYYY-MM-DD, for example {PAUSE_EXAMPLE}."
    else:
        message = f"Use `/mentor pause until YYYY-MM-DD`, for example {PAUSE_EXAMPLE}."
    return error_reply(message)


def _topics(keys: list[str]) -> str:
    return ", ".join(esc(topic_label(k)) for k in keys) if keys else "_none_"


def profile_fields(answers: dict[str, Any], timezone: str | None) -> str:
    lines = [
        f"*Role:* {ROLE_LABELS.get(answers.get('role') or '', '—')}",
        f"*Department:* {esc(answers.get('department') or '—')}",
        f"*Experience:* {answers.get('years_experience', '—')} years",
        f"*Can share:* {_topics(answers.get('shares') or [])}",
        f"*Wants to learn:* {_topics(answers.get('learns') or [])}",
        f"*Goals:* {esc(answers.get('goals') or '—')}",
        f"*Meeting format:* {FORMAT_LABELS.get(answers.get('meeting_format') or '', '—')}",
        f"*Manager:* <@{answers['manager_id']}>" if answers.get("manager_id") else "*Manager:* not given",
        f"*Time zone:* {esc(timezone)} (from your Slack profile)"
        if timezone
        else "*Time zone:* from your Slack profile",
    ]
    return "\n".join(lines)


def profile_saved_dm(
    *, program_name: str, answers: dict[str, Any], timezone: str | None, joined: bool, program_id: int | None = None
) -> Reply:
    """The DM after a successful opt-in or edit, with an *Edit profile* button."""
    if joined:
        title = f"Welcome to {program_name}! :tada:"  # a header: plain text, where markup is never live
        next_steps = (
            "We'll match you with a partner when the next round starts and introduce you both here in Slack. "
            "Until then you can change your answers at any time."
        )
    else:
        title = "Your profile is updated."
        next_steps = "Your new answers will be used for the next match."
    blocks = [
        header(title),
        section(profile_fields(answers, timezone)),
        context(next_steps),
        actions(
            button("Edit profile", ACTION_EDIT_PROFILE, value=str(program_id) if program_id else None, style="primary")
        ),
        context("`/mentor pause` to take a break · `/mentor leave` to stop · `/mentor help` for everything else"),
    ]
    return Reply(f"{esc(title)} Your profile is saved.", blocks)


def _program_status(item: dict[str, Any]) -> str:
    """One program's line: ``item`` has name, state (the program's), my_state (the person's) and paused_until."""
    name = esc(item["name"])
    if item.get("state") == "ended":
        return f"*{name}* has ended: thank you for taking part."
    state = item.get("my_state")
    where = STATE_LABELS.get(state or "", "not taking part")
    if state == "paused":
        until = item.get("paused_until")
        where += f" until {until.isoformat()}" if until else " until you `/mentor resume`"
    return f"*{name}*: you are {where}."


def status_reply(*, programs: list[dict[str, Any]], answers: dict[str, Any], timezone: str | None) -> Reply:
    """``/mentor status``: the person's state in each program they have a row in, and their latest answers.

    ``programs`` items as the Home tab gets them: id, name, state (the program's), my_state, paused_until, pairs.
    """
    lines = [_program_status(item) for item in programs]
    going = [item for item in programs if item.get("state") != "ended"]
    taking_part = [item for item in going if item.get("my_state") in ("active", "paused")]
    left = [item for item in going if item.get("my_state") == "left"]
    paired = [(item, pair) for item in taking_part for pair in item.get("pairs") or []]
    if paired:
        pair_line = " ".join(
            f"Your pair in {esc(item['name'])}: <@{pair['partner']}> "
            f"({'your mentee' if pair['i_mentor'] else 'your reverse mentor'})."
            for item, pair in paired
        )
        button_row = button("Edit profile", ACTION_EDIT_PROFILE, value=str(taking_part[0]["id"]))
    elif taking_part:
        pair_line = "You have no partner yet: we'll introduce you when the next round is matched."
        button_row = button("Edit profile", ACTION_EDIT_PROFILE, value=str(taking_part[0]["id"]))
    elif left:
        pair_line = "Type `/mentor join` to come back."
        button_row = button("Join again", ACTION_JOIN, value=str(left[0]["id"]), style="primary")
    else:
        pair_line = "Type `/mentor join` to join a program that is open now."
        button_row = button("Join", ACTION_JOIN, style="primary")
    blocks = [
        section("\n".join(lines)),
        section(profile_fields(answers, timezone)),
        context(pair_line),
        actions(button_row),
    ]
    text = " ".join(line.replace("*", "") for line in lines)
    return Reply(text, blocks)


def not_enrolled_reply() -> Reply:
    text = "You're not taking part in a reverse mentoring program right now."
    return Reply(text, [section(text), actions(button("Join", ACTION_JOIN, style="primary"))])


def program_closed_reply(name: str | None) -> Reply:
    what = esc(name) if name else "That program"
    return Reply(f"{what} is no longer taking sign-ups. Type `/mentor` to see what is open.")


def no_open_program_reply() -> Reply:
    return Reply(
        "No reverse mentoring program is open for sign-ups right now. Your program admins will announce the next "
        "one; `/mentor` will let you join then."
    )


def _in(names: list[str]) -> str:
    return f" in {', '.join(esc(n) for n in names)}" if len(names) > 1 else ""


def paused_reply(until: date | None, names: list[str] | None = None) -> Reply:
    """``names``: the programs paused (mentioned when there are several)."""
    where = _in(names or [])
    if until:
        text = (
            f"You're paused{where} until {until.isoformat()}: no matching or check-ins until then. "
            "We'll bring you back automatically that day."
        )
    else:
        text = f"You're paused{where}: no matching or check-ins until you type `/mentor resume`."
    return Reply(text)


def resumed_reply(names: list[str] | None = None) -> Reply:
    return Reply(f"Welcome back! You're active again{_in(names or [])} and will be included in the next match.")


def auto_resumed_dm(until: date, program_names: list[str]) -> Reply:
    """Your pause is over, in one or more programs (one DM per person, naming them)."""
    names = ", ".join(esc(n) for n in program_names) or "the reverse mentoring program"
    return Reply(
        f"Your pause ended on {until.isoformat()}: you're back in {names}. Type `/mentor pause` if you need more time."
    )


def already_active_reply() -> Reply:
    return Reply("You're not paused, so there is nothing to resume.")


def _confirmation(text: str, confirm: str, confirm_action: str, keep: str, value: str | None = None) -> Reply:
    """A question with a red button that does it and a plain one that changes nothing."""
    return Reply(
        text,
        [
            section(text),
            actions(button(confirm, confirm_action, value=value, style="danger"), button(keep, ACTION_CANCEL)),
        ],
    )


MAX_LEAVE_CHOICES = 5


def leave_confirm_reply(programs: list[tuple[int, str]]) -> Reply:
    """Confirm leaving; with several programs, one button per program (``programs``: id, name)."""
    if len(programs) == 1:
        text = (
            f"Leave {esc(programs[0][1])}? You won't be matched or get check-ins any more. "
            "Your history is kept, and you can rejoin any time with `/mentor join`."
        )
        return _confirmation(text, "Leave the program", ACTION_CONFIRM_LEAVE, "Stay", value=str(programs[0][0]))
    text = (
        "Which program do you want to leave? You won't be matched or get check-ins there any more. "
        "Your history is kept, and you can rejoin any time with `/mentor join`."
    )
    choices = [  # one block each: action ids must be unique within a block
        actions(button(f"Leave {name}", ACTION_CONFIRM_LEAVE, value=str(pid), style="danger"), block_id=f"leave-{pid}")
        for pid, name in programs[:MAX_LEAVE_CHOICES]
    ]
    more = len(programs) - MAX_LEAVE_CHOICES
    rest = [context(f"…and {more} more: leave those from the app's Home tab.")] if more > 0 else []
    return Reply(text, [section(text), *choices, *rest, actions(button("Stay", ACTION_CANCEL))])


def left_reply(names: list[str] | None = None) -> Reply:
    where = f" {', '.join(esc(n) for n in names)}" if names else " the program"
    return Reply(f"You've left{where}. Thank you for taking part! `/mentor join` brings you back.")


def delete_confirm_reply() -> Reply:
    text = (
        "Erase your data? We delete your answers (department, experience, skills, topics, goals, manager, "
        "time zone), any feedback and survey text you wrote, and every trace of your Slack ID, and unlink you "
        "from the program. Only anonymous counts stay (for example, that one mentor took part). No import or "
        "admin will enrol you again; `/mentor join` brings you back whenever you like. This cannot be undone."
    )
    return _confirmation(text, "Erase my data", ACTION_CONFIRM_DELETE, "Keep my data")


def deleted_reply() -> Reply:
    return Reply("Your data is erased. You're no longer in the program; `/mentor join` starts afresh.")


def nothing_to_delete_reply() -> Reply:
    return Reply("We hold no answers from you, so there is nothing to erase.")


def cancelled_reply() -> Reply:
    return Reply("OK, nothing changed.")


MAX_BUTTON_VALUE = 2000


def profile_not_saved_dm(*, answers: dict[str, Any], answers_json: str, program_id: int | None = None) -> Reply:
    """After the form closed, saving failed: the person gets their answers back and a way to try again.

    ``answers_json`` (the answers and the program id) rides in the *Try again* button when it fits.
    """
    text = "Sorry, we couldn't save your answers just now. Here they are, so nothing is lost:"
    retry = (
        button("Try again", ACTION_RETRY_FORM, value=answers_json, style="primary")
        if len(answers_json) <= MAX_BUTTON_VALUE
        else button("Open the form again", ACTION_JOIN, value=str(program_id) if program_id else None, style="primary")
    )
    blocks = [section(f":warning: {text}"), section(profile_fields(answers, None)), actions(retry)]
    return Reply(text, blocks)


ADMIN_CHANGES = {
    "pause": "A program admin paused your participation in {program}: no matching or check-ins there for now. "
    "The *Resume* button on the app's Home tab brings you back.",
    "resume": "A program admin made your participation in {program} active again: you'll be included in the next "
    "match. Pause or leave from the app's Home tab if that's not what you want.",
    "remove": "A program admin removed you from {program}. Your history is kept; `/mentor join` brings you back.",
}


def admin_changed_you_dm(verb: str, program_name: str) -> Reply:
    """Tell a person an admin changed their participation in a program (``verb``: pause, resume, remove)."""
    return Reply(ADMIN_CHANGES[verb].format(program=esc(program_name)))


NOT_ADMIN = "Only program admins can do that. Ask a workspace admin or someone in MENTOR_ADMINS."


def not_admin_reply() -> Reply:
    return Reply(NOT_ADMIN)


def form_failed_reply() -> Reply:
    return Reply("Slack couldn't open the form just now. Please type the command again.")


def apology_reply() -> Reply:
    return Reply("Sorry, something went wrong on our side and it has been logged. Please try again in a moment.")


def no_longer_works_reply() -> Reply:
    """For a button, shortcut or command this version of the app does not have (an old message after an upgrade)."""
    return Reply(
        "That no longer works: it comes from an older version of this app. Type `/mentor` to see where you are, "
        "or open the app's Home tab."
    )


OUTDATED_FORM = "This form is out of date: close it and open it again from `/mentor` or the app's Home tab."


AVOID_HOW = "`/mentor avoid @someone` adds a person, `/mentor avoid remove @someone` takes them off."


def avoid_list_reply(people: list[str], *, added: Sequence[str] = (), removed: Sequence[str] = ()) -> Reply:
    """The person's private "don't pair me with" list, after a change or when they ask to see it."""
    done = []
    if added:
        done.append(f"You won't be paired with {', '.join(f'<@{u}>' for u in added)}.")
    if removed:
        done.append(f"{', '.join(f'<@{u}>' for u in removed)} can be paired with you again.")
    listed = (
        "You'd rather not be paired with " + ", ".join(f"<@{u}>" for u in people) + "."
        if people
        else "Your list of people you'd rather not be paired with is empty."
    )
    text = " ".join([*done, listed, "Only you can see this list; nobody is told.", AVOID_HOW])
    return Reply(text)


def avoid_problem_reply(problem: str, words: Sequence[str] = ()) -> Reply:
    """``problem``: stray (words that aren't @-mentions), self, or full."""
    if problem == "self":
        return error_reply("You're never paired with yourself, so there's no need to add you.")
    if problem == "full":
        return error_reply("Your list holds at most 50 people: take someone off first.")
    shown = esc(" ".join(words)[:40])
    return error_reply(f"I can only add people by @-mention (“{shown}” isn't one). {AVOID_HOW}")
