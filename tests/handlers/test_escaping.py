"""Admin and people's text is never live Slack markup in anything the app sends (signed requests through the real
app, the fake Web API, both databases): a program named with a ``<!channel>`` mention and a link, and people's
answers carrying the same, go through a whole program (settings, announcement, sign-ups, a published round, the
scheduled messages, feedback, a shared note, a rematch request, a survey, Home tabs, the roster, the audit log,
results, the end), and every string Slack renders as mrkdwn (messages' fallback ``text``, mrkdwn text objects,
file comments) is checked."""

from __future__ import annotations

import json
from typing import Any

from bot.outbox.deliver import deliver
from bot.outbox.kinds import CheckinPayload, MilestonePayload, NudgePayload, StalledPayload, SurveyPayload
from bot.runtime.context import Deps
from bot.runtime.settings import Settings
from bot.slack.client import make_client
from prompts import feedback as fb
from prompts import surveys as sv
from storage import admins as admins_repo
from storage import outbox
from storage.db import Database
from tests.support.fake_slack import FakeSlack
from tests.support.optin import optin_values
from tests.support.programs import first_program_id, settings_values
from tests.support.signed import SlackSender, click_in_message

NAME = "<!channel> <https://evil.example|click> *bold* &amp;"
TEXT = "<!here> <@UEVIL> <https://evil.example|free> & co"
LIVE = ("<!channel", "<!here", "<@UEVIL", "<https://evil")
MESSAGES = ("chat.postMessage", "chat.postEphemeral", "chat.update", "response_url")


def mrkdwn_texts(node: Any) -> list[str]:
    """Every mrkdwn text object's text in a payload (section, context and field texts, confirm dialogs...)."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            found.append(node["text"])
        for value in node.values():
            found += mrkdwn_texts(value)
    elif isinstance(node, list):
        for value in node:
            found += mrkdwn_texts(value)
    return found


def rendered(fake: FakeSlack, acks: list[str]) -> list[str]:
    """Every string the app sent that Slack renders as mrkdwn: a message's fallback ``text`` (its notification
    too), mrkdwn text objects in messages, modals and Home tabs (the ``acks`` of form submissions included), and
    the comment of an uploaded file."""
    texts: list[str] = []
    for call in fake.calls:
        params = call.params
        if call.method in MESSAGES and isinstance(params.get("text"), str) and params.get("mrkdwn") is not False:
            texts.append(params["text"])
        if isinstance(params.get("initial_comment"), str):
            texts.append(params["initial_comment"])
        texts += mrkdwn_texts(params)
    for body in acks:
        texts += mrkdwn_texts(json.loads(body)) if body else []
    return texts


def feedback_values(text: str) -> dict[str, Any]:
    def el(block: str, element: dict[str, Any]) -> dict[str, Any]:
        return {block: {block: element}}

    return {
        **el(fb.RATING, {"type": "static_select", "selected_option": {"value": "4"}}),
        **el(fb.TOPIC, {"type": "plain_text_input", "value": text}),
        **el(fb.LEARNED, {"type": "plain_text_input", "value": text}),
        **el(fb.NOTE, {"type": "plain_text_input", "value": text}),
        **el(fb.SHARE, {"type": "checkboxes", "selected_options": [{"value": "share"}]}),
    }


async def test_admin_and_people_text_is_never_live_markup_in_anything_the_app_sends(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    fake = slack.fake
    fake.add_user("UADMIN", is_admin=True)
    fake.add_user("UM1", tz="Europe/Paris", tz_offset=3600)
    fake.add_user("UE1", tz="Europe/Paris", tz_offset=3600)
    acks: list[str] = []
    program_id = await first_program_id(deps, team_id)

    # The admin names the program, writes its objectives and adds a topic, then announces it.
    form = await slack.open_modal("edit_program_settings", value=str(program_id), user_id="UADMIN")
    flags = ("avoid_reporting_line", "celebrate_milestones")
    extra = "<!here> tips <@UEVIL>: <https://evil.example|why> & how?"
    _, body = await slack.submit_view(
        form, settings_values(name=NAME, objectives=TEXT, flags=flags, extra=extra), user_id="UADMIN"
    )
    assert body == "", body
    await slack.click("announce_program", user_id="UADMIN", container="view", value=str(program_id))
    await fake.wait_for("chat.postMessage", where=lambda c: c["channel"] == "C0ANNOUNCE")

    # Two people join with markup in every free-text answer.
    for user, role in (("UM1", "mentor"), ("UE1", "mentee")):
        before = len(fake.calls_to("views.open"))
        await slack.command("join", user_id=user)
        view = (await fake.wait_for("views.open", before + 1))[-1]["view"]
        answers = optin_values(
            role=role,
            years="2" if role == "mentor" else "25",
            department=TEXT,
            goals=TEXT,
            shares=["ai_tools"] if role == "mentor" else [],
            shares_other="<!channel> reels" if role == "mentor" else None,
            learns=["ai_tools"] if role == "mentee" else [],
            learns_other="<https://evil.example|crm>" if role == "mentee" else None,
        )
        _, body = await slack.submit_view(view, answers, user_id=user)
        acks.append(body)
        await fake.wait_for("chat.postMessage", where=lambda c: bool(c["channel"] == user and "Welcome" in c["text"]))  # noqa: B023 (awaited here)

    # The admin previews and publishes the round: the pair's introduction.
    await slack.click("preview_matches", user_id="UADMIN", container="view", value=str(program_id))
    [preview] = await fake.wait_for("views.update", where=lambda c: c["view"].get("callback_id") == "publish_round")
    _, body = await slack.submit_view(preview["view"], {}, user_id="UADMIN")
    acks.append(body)
    await fake.wait_for("views.update", where=lambda c: c["view"]["title"]["text"] == "Published")
    [intro] = await fake.wait_for("chat.postMessage", where=lambda c: "Meet your reverse" in c["text"])
    pair_id = int(next(e["value"] for b in intro["blocks"] if b["type"] == "actions" for e in b["elements"]))
    for user in ("UM1", "UE1"):  # the topics suggested next: the program's own, and people's own words
        await click_in_message(slack, "intro_another_topic", str(pair_id), intro, user)
    await fake.wait_for("chat.postMessage", 2, where=lambda c: "asked for another topic" in c["text"])
    await slack.click("move_program", user_id="UADMIN", container="view", value=f"{program_id}:open:running")
    await fake.wait_for("chat.postMessage", where=lambda c: c["channel"] == "UADMIN" and "is running" in c["text"])

    # What the rhythm sends: a check-in, a nudge, the stalled-pair question, the milestones, a survey.
    messages = [
        CheckinPayload(pair_id=pair_id, period=1).message(f"checkin:{pair_id}:1"),
        NudgePayload(pair_id=pair_id, period=1).message(f"nudge:{pair_id}:1"),
        StalledPayload(pair_id=pair_id, period=1, user_id="UE1").message(f"stalled:{pair_id}:1:UE1"),
        MilestonePayload(pair_id=pair_id, which="mid").message(f"milestone:{pair_id}:mid"),
        MilestonePayload(pair_id=pair_id, which="end").message(f"milestone:{pair_id}:end"),
        SurveyPayload(program_id=program_id, stage="mid", user_id="UE1").message(f"survey:{program_id}:mid:UE1"),
    ]
    async with db.session() as session:
        await outbox.enqueue_many(session, team_id=team_id, messages=messages)
    assert (await deliver(deps, make_client(settings, deps.state.pacers), team_id=team_id)).sent == len(messages)
    [checkin] = await fake.wait_for("chat.postMessage", where=lambda c: "Check-in 1" in c["text"])

    # The pair met: feedback with a shared note, "not working", celebrations, a rematch request, the survey.
    async with db.session() as session:
        await admins_repo.promote_admin(session, team_id=team_id, user_id="UPROMO", added_by="UADMIN")
    await click_in_message(slack, "checkin_met", f"{pair_id}:1", checkin, "UE1")
    asks = await fake.wait_for("chat.postMessage", 2, where=lambda c: "May we celebrate" in c["text"])
    for user in ("UE1", "UM1"):
        await click_in_message(slack, "celebrate_yes", str(pair_id), {"text": asks[0]["text"]}, user)
    await click_in_message(slack, fb.ACTION_OPEN, f"{pair_id}:1", {"text": "x"}, "UE1")
    [form] = await fake.wait_for("views.open", where=lambda c: c["view"].get("callback_id") == fb.CALLBACK_ID)
    _, body = await slack.submit_view(form["view"], feedback_values(TEXT), user_id="UE1")
    acks.append(body)
    await fake.wait_for("chat.postMessage", where=lambda c: c["channel"] == "UM1" and "shared a note" in c["text"])
    await click_in_message(slack, fb.ACTION_FIT_NO, str(pair_id), {"text": "x"}, "UE1")
    await fake.wait_for("chat.postMessage", where=lambda c: c["channel"] == "UPROMO")
    await slack.command(f"rematch {TEXT}", user_id="UE1")
    await fake.wait_for("response_url", where=lambda c: "rematch request is noted" in c["text"])
    await click_in_message(slack, sv.ACTION_OPEN, f"{program_id}:mid", {"text": "x"}, "UE1")
    [survey] = await fake.wait_for("views.open", where=lambda c: c["view"].get("callback_id") == sv.CALLBACK_ID)
    change = {sv.CHANGE: {sv.CHANGE: {"type": "plain_text_input", "value": TEXT}}}
    skills = {
        b["block_id"]: {b["block_id"]: {"selected_option": {"value": "4"}}}
        for b in survey["view"]["blocks"]
        if b.get("block_id", "").startswith(sv.SKILL_PREFIX)
    }
    recommend = {sv.RECOMMEND: {sv.RECOMMEND: {"selected_option": {"value": "9"}}}}
    _, body = await slack.submit_view(survey["view"], {**skills, **recommend, **change}, user_id="UE1")
    acks.append(body)
    await fake.wait_for("views.update", where=lambda c: c["view"]["title"]["text"] == "Program survey")

    # Commands, Home tabs, the admin's views and results, and the program's end.
    for text in ("status", "pause", "resume", "leave", "topic", f"pause until {TEXT}", TEXT[:30]):
        await slack.command(text, user_id="UE1", hook=f"cmd-{text[:5]}")
    await fake.wait_for("response_url", 7, where=lambda c: c["_hook"].startswith("cmd-"))
    for user in ("UE1", "UM1", "UADMIN"):
        await slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
        await fake.wait_for("views.publish", where=lambda c: bool(c["user_id"] == user))  # noqa: B023 (awaited here)
    for action in ("open_roster", "open_audit_log"):
        await slack.open_modal(action, value=str(program_id), user_id="UADMIN")
    for action in ("results_export", "results_chart"):
        await slack.click(action, user_id="UADMIN", container="view", value=str(program_id))
    await fake.wait_for("chat.postMessage", 2, where=lambda c: c["channel"] == "UADMIN")
    await slack.click("end_program", user_id="UADMIN", container="view", value=f"{program_id}:running:ended")
    await fake.wait_for("chat.postMessage", where=lambda c: "completed" in c["text"])

    texts = rendered(fake, acks)
    name = "&lt;!channel&gt; &lt;https://evil.example|click&gt; *bold* &amp;amp;"
    for kind in ("Join ", "Welcome to ", "Meet your reverse", "Check-in 1 of "):  # shown, escaped
        assert any(t.startswith(kind) and name in t for t in texts), kind
    people = "&lt;!here&gt; &lt;@UEVIL&gt; &lt;https://evil.example|free&gt; &amp; co"
    for where in ("*Goals:*", "shared a note", "Rematch requests", "*Department:*"):
        assert any(where in t and people in t for t in texts), where
    live = [f"{markup!r} in {text!r}" for text in texts for markup in LIVE if markup in text]
    assert live == [], "\n".join(live)
