"""The admins' *Results* on Home, and its *Export CSV* and *Chart* buttons (signed requests through the real app,
files_upload_v2 against the fake Web API, both databases): admins only, the exports name no one in the feedback
text and carry no rating, the chart is a real PNG, and ending a program sends its chart and summary."""

from __future__ import annotations

import csv
import io
import json

from storage.db import Database
from tests.support.programs import programs
from tests.support.results import seed
from tests.support.signed import SlackSender


async def results_home(slack: SlackSender) -> str:
    slack.fake.add_user("UADMIN", is_admin=True)
    await slack.event({"type": "app_home_opened", "user": "UADMIN", "tab": "home"})
    homes = await slack.fake.wait_for("views.publish", where=lambda c: "results_export" in json.dumps(c["view"]))
    return json.dumps(homes[-1]["view"])


async def test_admins_export_csvs_and_a_chart_by_dm(slack: SlackSender, db: Database, team_id: str) -> None:
    await seed(db, team_id)
    current = (await programs(db, team_id))["Digital skills 2027"]
    home = await results_home(slack)
    assert "*Results" in home and f'"value": "{current.id}"' in home

    status, _ = await slack.click("results_export", user_id="UADMIN", container="view", value=str(current.id))
    assert status == 200
    await slack.fake.wait_for("files.completeUploadExternal")
    files = {u["filename"]: u for u in slack.fake.uploads.values()}
    assert set(files) == {"pairs-and-meetings.csv", "feedback-text.csv"}
    assert all(u["channel_id"] == slack.fake.dm_channel_id("UADMIN") for u in files.values())
    pairs = list(csv.reader(io.StringIO(files["pairs-and-meetings.csv"]["content"].decode())))
    assert pairs[0][:4] == ["pair", "reverse_mentor", "mentee", "pair_state"]
    assert len(pairs) == 1 + 7 + 1, "a row per check-in answer, one for the pair without answers"
    text = files["feedback-text.csv"]["content"].decode()
    assert text.splitlines()[0] == "kind,text", "one text per row: nothing ties two texts of one person"
    assert "private words" in text and "private note" in text
    for leak in ("UE1", "UM1", "mentee", "mentor", ",5", ",4"):
        assert leak not in text, "anonymous: no name, side or rating"

    await slack.click("results_chart", user_id="UADMIN", container="view", value=str(current.id))
    await slack.fake.wait_for("files.completeUploadExternal", 2)
    [chart] = [u for u in slack.fake.uploads.values() if u["filename"] == "chart.png"]
    png = chart["content"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and 5_000 < len(png) < 2_000_000
    [summary] = [
        c for c in slack.fake.calls_to("chat.postMessage") if c["channel"] == "UADMIN" and "pairs," in c["text"]
    ]
    assert "Digital skills 2027" in summary["text"] and "meetings" in summary["text"], "a short written summary"


async def test_results_are_for_admins_only(slack: SlackSender, db: Database, team_id: str) -> None:
    await seed(db, team_id)
    current = (await programs(db, team_id))["Digital skills 2027"]
    slack.fake.add_user("UE1")
    await slack.click("results_export", user_id="UE1", container="view", value=str(current.id))
    await slack.fake.wait_for("chat.postMessage", where=lambda c: c["channel"] == "UE1")
    assert slack.fake.uploads == {}
    await slack.event({"type": "app_home_opened", "user": "UE1", "tab": "home"})
    mine = await slack.fake.wait_for("views.publish", where=lambda c: c["user_id"] == "UE1")
    assert "Results" not in json.dumps(mine[-1]["view"])


async def test_ending_a_program_sends_its_chart_and_summary(slack: SlackSender, db: Database, team_id: str) -> None:
    await seed(db, team_id)
    current = (await programs(db, team_id))["Digital skills 2027"]
    slack.fake.add_user("UADMIN", is_admin=True)
    value = f"{current.id}:running:ended"
    await slack.click("end_program", user_id="UADMIN", container="view", value=value)
    await slack.fake.wait_for("files.completeUploadExternal")
    [chart] = list(slack.fake.uploads.values())
    assert chart["filename"] == "chart.png"
    assert any("(ended)" in c["text"] for c in slack.fake.calls_to("chat.postMessage") if c["channel"] == "UADMIN")
