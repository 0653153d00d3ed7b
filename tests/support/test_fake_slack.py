"""Tests for the fake Slack Web API, driven by the real slack_sdk clients."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.support.fake_slack import Call, FakeSlack

BLOCKS: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}]


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(team_id="T0042", bot_user_id="UBOT42") as server:
        yield server


def client_for(fake: FakeSlack, token: str = "xoxb-test", **kwargs: Any) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=fake.url, **kwargs)


def raw_post(url: str, body: bytes, content_type: str) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status), response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return int(err.code), err.read().decode("utf-8")


def test_urls_and_lifecycle() -> None:
    server = FakeSlack()
    with pytest.raises(RuntimeError):
        _ = server.url
    server.start()
    try:
        assert server.url.startswith("http://127.0.0.1:")
        assert server.url.endswith("/api/")
        assert server.webhook_url("abc") == f"http://127.0.0.1:{server.port}/webhook/abc"
        assert server.webhook_url().endswith("/webhook/hook")
    finally:
        server.stop()
    server.stop()  # idempotent


@pytest.mark.asyncio
async def test_auth_test_answers_team_and_bot(fake: FakeSlack) -> None:
    response = await client_for(fake).auth_test()
    assert response["ok"] is True
    assert response["team_id"] == "T0042"
    assert response["user_id"] == "UBOT42"
    assert response["bot_id"] == "B0001"
    assert response["is_enterprise_install"] is False
    assert fake.calls == [Call(method="auth.test", params={}, path="/api/auth.test", token="xoxb-test")]


@pytest.mark.asyncio
async def test_users_info_known_and_unknown(fake: FakeSlack) -> None:
    fake.add_user("U1", tz="America/New_York", tz_offset=-18000, is_admin=True, real_name="Ada Lovelace")
    fake.users["U2"] = {"tz": "Asia/Tokyo", "tz_offset": 32400}  # partial object, merged with defaults
    client = client_for(fake)

    user = (await client.users_info(user="U1"))["user"]
    assert user["id"] == "U1"
    assert user["team_id"] == "T0042"
    assert user["tz"] == "America/New_York"
    assert user["tz_offset"] == -18000
    assert user["is_admin"] is True
    assert user["is_owner"] is False
    assert user["deleted"] is False
    assert user["is_bot"] is False
    assert user["real_name"] == "Ada Lovelace"
    assert user["profile"]["display_name"] == "Ada Lovelace"

    partial = (await client.users_info(user="U2"))["user"]
    assert partial["id"] == "U2"
    assert partial["tz_offset"] == 32400
    assert partial["tz_label"] == "Japan Standard Time"
    assert partial["is_admin"] is False

    with pytest.raises(SlackApiError) as info:
        await client.users_info(user="UNOPE")
    assert info.value.response["error"] == "user_not_found"
    assert info.value.response.status_code == 200

    # users.info is a GET with a query string; booleans are sent as "0"/"1"
    await client.users_info(user="U1", include_locale=True)
    assert fake.calls_to("users.info")[0] == {"user": "U1"}
    assert fake.calls_to("users.info")[-1] == {"user": "U1", "include_locale": "1"}
    assert [c.path for c in fake.calls] == ["/api/users.info"] * 4


@pytest.mark.asyncio
async def test_deleted_user(fake: FakeSlack) -> None:
    fake.add_user("U9", deleted=True)
    user = (await client_for(fake).users_info(user="U9"))["user"]
    assert user["deleted"] is True


@pytest.mark.asyncio
async def test_chat_post_message_recorded_with_blocks(fake: FakeSlack) -> None:
    client = client_for(fake)
    first = await client.chat_postMessage(channel="U123", text="hello", blocks=BLOCKS)
    second = await client.chat_postMessage(channel="C999", text="again")

    assert first["channel"] == "D123"
    assert first["channel"] == fake.dm_channel_id("U123")
    assert second["channel"] == "C999"
    assert first["message"]["blocks"] == BLOCKS
    assert first["message"]["text"] == "hello"
    assert first["message"]["ts"] == first["ts"]
    assert float(second["ts"]) > float(first["ts"])
    assert first["ts"] == "1700000000.000100"

    posted = fake.calls_to("chat.postMessage")
    assert len(posted) == 2
    assert posted[0]["channel"] == "U123"
    assert posted[0]["blocks"] == BLOCKS
    assert posted[1]["text"] == "again"
    assert fake.calls[0].token == "xoxb-test"


@pytest.mark.asyncio
async def test_views_publish_open_update(fake: FakeSlack) -> None:
    client = client_for(fake)
    home = {"type": "home", "blocks": BLOCKS}
    published = await client.views_publish(user_id="U1", view=home)
    view = published["view"]
    assert view["id"].startswith("V")
    assert view["type"] == "home"
    assert view["blocks"] == BLOCKS
    assert view["team_id"] == "T0042"
    assert view["state"] == {"values": {}}
    assert view["hash"]

    modal = {"type": "modal", "callback_id": "cb", "title": {"type": "plain_text", "text": "T"}, "blocks": []}
    opened = (await client.views_open(trigger_id="123.456", view=modal))["view"]
    assert opened["id"] != view["id"]
    assert opened["callback_id"] == "cb"
    updated = (await client.views_update(view_id=opened["id"], view=modal))["view"]
    assert updated["id"] == opened["id"]

    assert fake.calls_to("views.publish")[0]["user_id"] == "U1"
    assert fake.calls_to("views.publish")[0]["view"] == home
    assert fake.calls_to("views.open")[0]["trigger_id"] == "123.456"


@pytest.mark.asyncio
async def test_other_methods(fake: FakeSlack) -> None:
    client = client_for(fake)
    opened = await client.conversations_open(users="U77")
    again = await client.conversations_open(users=["U77"])
    assert opened["channel"]["id"] == "D77"
    assert again["channel"]["id"] == "D77"
    # conversations.open sends its args in the query string of a POST
    assert fake.calls_to("conversations.open") == [{"users": "U77"}, {"users": "U77"}]

    ephemeral = await client.chat_postEphemeral(channel="C1", user="U1", text="psst")
    assert ephemeral["message_ts"]
    updated = await client.chat_update(channel="C1", ts="1700000000.000100", text="edited")
    assert updated["ts"] == "1700000000.000100"
    assert updated["channel"] == "C1"

    other = await client.reactions_add(channel="C1", name="tada", timestamp="1.2")
    assert other.data == {"ok": True}
    assert fake.calls_to("reactions.add") == [{"channel": "C1", "name": "tada", "timestamp": "1.2"}]


@pytest.mark.asyncio
async def test_form_encoded_json_fields_are_decoded(fake: FakeSlack) -> None:
    client = client_for(fake)
    form = {"channel": "C1", "blocks": json.dumps(BLOCKS), "text": "[not json"}
    await client.api_call("chat.postMessage", data=form)
    params = fake.calls_to("chat.postMessage")[0]
    assert params["blocks"] == BLOCKS
    assert params["text"] == "[not json"


@pytest.mark.asyncio
async def test_ratelimited_then_retry_succeeds(fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", times=1)
    client = client_for(fake, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])
    started = time.monotonic()
    response = await client.chat_postMessage(channel="C1", text="hi")
    elapsed = time.monotonic() - started

    assert response["ok"] is True
    assert elapsed >= 0.95
    calls = [c for c in fake.calls if c.method == "chat.postMessage"]
    assert len(calls) == 2
    assert [c.failed for c in calls] == [True, False]
    assert calls[0].params == calls[1].params == {"channel": "C1", "text": "hi"}


@pytest.mark.asyncio
async def test_ratelimited_without_retry_handler_raises_429(fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as info:
        await client_for(fake).chat_postMessage(channel="C1", text="hi")
    response = info.value.response
    assert response.status_code == 429
    assert response["error"] == "ratelimited"
    assert response.headers["retry-after"] == "7"
    # the failure was consumed: the next call works
    assert (await client_for(fake).chat_postMessage(channel="C1", text="hi"))["ok"] is True


@pytest.mark.asyncio
async def test_api_error_code_surfaces(fake: FakeSlack) -> None:
    fake.add_user("U1")
    fake.fail("users.info", error="account_inactive", times=2)
    client = client_for(fake)
    for _ in range(2):
        with pytest.raises(SlackApiError) as info:
            await client.users_info(user="U1")
        assert info.value.response["error"] == "account_inactive"
        assert info.value.response.status_code == 200
    assert (await client.users_info(user="U1"))["user"]["id"] == "U1"
    assert [c.failed for c in fake.calls] == [True, True, False]


@pytest.mark.asyncio
async def test_server_error_surfaces(fake: FakeSlack) -> None:
    fake.fail("views.open", error="boom", status=503)
    with pytest.raises(SlackApiError) as info:
        await client_for(fake).views_open(trigger_id="t", view={"type": "modal", "blocks": []})
    assert info.value.response.status_code == 503
    assert info.value.response.data == "boom"
    assert fake.calls[0].failed is True


@pytest.mark.asyncio
async def test_webhook_post_recorded_as_response_url(fake: FakeSlack) -> None:
    webhook = AsyncWebhookClient(fake.webhook_url("cmd1"))
    response = await webhook.send(text="done", response_type="ephemeral", replace_original=True)
    assert response.status_code == 200
    assert response.body == "ok"
    assert fake.calls_to("response_url") == [
        {"text": "done", "response_type": "ephemeral", "replace_original": True, "_hook": "cmd1"}
    ]
    assert fake.calls[0].path == "/webhook/cmd1"


@pytest.mark.asyncio
async def test_webhook_failure(fake: FakeSlack) -> None:
    fake.fail("response_url", error="expired_url")
    response = await AsyncWebhookClient(fake.webhook_url()).send(text="late")
    assert response.status_code == 404
    assert response.body == "expired_url"
    assert fake.calls[0].failed is True


@pytest.mark.asyncio
async def test_wait_for(fake: FakeSlack) -> None:
    async def later() -> None:
        await asyncio.sleep(0.05)
        await client_for(fake).chat_postMessage(channel="C1", text="late")

    task = asyncio.create_task(later())
    found = await fake.wait_for("chat.postMessage", timeout=3)
    await task
    assert found[0]["text"] == "late"

    await client_for(fake).auth_test()
    with pytest.raises(AssertionError) as info:
        await fake.wait_for("views.open", count=1, timeout=0.1)
    assert "views.open" in str(info.value)
    assert "chat.postMessage" in str(info.value)
    assert "auth.test" in str(info.value)


@pytest.mark.asyncio
async def test_invalid_token(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as info:
        await client_for(fake, token="xoxb-invalid").auth_test()
    assert info.value.response["error"] == "invalid_auth"
    assert info.value.response.status_code == 200
    assert fake.calls[0].token == "xoxb-invalid"


@pytest.mark.asyncio
async def test_token_param_and_reset(fake: FakeSlack) -> None:
    await AsyncWebClient(base_url=fake.url).auth_test(token="xoxb-from-param")
    assert fake.calls[0].token == "xoxb-from-param"
    fake.fail("auth.test")
    fake.reset()
    fake.add_user("U5")
    assert fake.calls == []
    assert (await client_for(fake).auth_test())["ok"] is True
    assert "U5" in fake.users


def test_bad_bodies_do_not_kill_the_server(fake: FakeSlack) -> None:
    status, body = raw_post(fake.url + "chat.postMessage", b"{not json", "application/json")
    assert status == 200
    assert json.loads(body) == {"ok": False, "error": "invalid_json"}
    status, body = raw_post(fake.webhook_url(), b"\xff\xfe[", "application/json")
    assert status == 400
    status, body = raw_post(fake.url + "auth.test", b"", "application/x-www-form-urlencoded")
    assert status == 200
    assert json.loads(body)["team_id"] == "T0042"
    status, _ = raw_post(f"http://127.0.0.1:{fake.port}/nowhere", b"x", "text/plain")
    assert status == 404
    assert fake.errors == []


@pytest.mark.asyncio
async def test_delay_applies_to_every_request() -> None:
    with FakeSlack(delay=0.3) as slow:
        started = time.monotonic()
        await AsyncWebClient(token="xoxb-test", base_url=slow.url).auth_test()
        assert time.monotonic() - started >= 0.3
        assert len(slow.calls) == 1


@pytest.mark.asyncio
async def test_concurrent_calls_get_unique_ts(fake: FakeSlack) -> None:
    client = client_for(fake)
    responses = await asyncio.gather(*(client.chat_postMessage(channel="C1", text=str(i)) for i in range(20)))
    assert len({r["ts"] for r in responses}) == 20
    assert sorted(p["text"] for p in fake.calls_to("chat.postMessage")) == sorted(str(i) for i in range(20))


@pytest.mark.asyncio
async def test_a_rate_limit_answers_429_beyond_the_calls_allowed_per_second(fake: FakeSlack) -> None:
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    fake.rate_limit("chat.postMessage", 3)
    client = AsyncWebClient(token="xoxb-test", base_url=fake.url)  # no retry handler: see the 429 itself
    outcomes = []
    for _ in range(5):
        try:
            await client.chat_postMessage(channel="C1", text="hi")
            outcomes.append("ok")
        except SlackApiError as exc:
            outcomes.append(f"{exc.response.status_code} {exc.response.headers.get('Retry-After')}")
    assert outcomes == ["ok", "ok", "ok", "429 1", "429 1"]


async def test_files_upload_v2_round_trip() -> None:
    """slack_sdk's files_upload_v2: upload URL, the bytes, then completion into a channel."""
    from slack_sdk.web.async_client import AsyncWebClient

    with FakeSlack() as fake:
        client = AsyncWebClient(token="xoxb-test", base_url=fake.url)
        answer = await client.files_upload_v2(
            file_uploads=[{"content": b"a,b\n1,2\n", "filename": "x.csv", "title": "X"}],
            channel="D123",
            initial_comment="here",
        )
        assert answer["ok"]
        [(file_id, stored)] = fake.uploads.items()
        assert stored["content"] == b"a,b\n1,2\n" and stored["filename"] == "x.csv" and stored["channel_id"] == "D123"
        assert [c.method for c in fake.calls] == [
            "files.getUploadURLExternal",
            "upload",
            "files.completeUploadExternal",
        ] and file_id.startswith("F")


async def test_what_a_call_changes_is_there_once_the_call_is_seen() -> None:
    """A test that waits for a call reads the fake's state right away: with a slow fake (the answer sent after a
    pause), a completed upload must already carry its channel when ``wait_for`` sees the call."""
    with FakeSlack(delay=0.3) as slow:
        client = AsyncWebClient(token="xoxb-test", base_url=slow.url)
        upload = asyncio.create_task(client.files_upload_v2(channel="D123", content=b"a,b\n", filename="x.csv"))
        await slow.wait_for("files.completeUploadExternal", timeout=10)
        [stored] = slow.uploads.values()
        assert stored.get("channel_id") == "D123"
        await upload


async def test_a_failure_for_one_channel_and_a_post_that_fails_after_it_was_made(fake: FakeSlack) -> None:
    client = client_for(fake)
    fake.fail("chat.postMessage", error="channel_not_found", channel="C2")
    fake.fail("chat.postMessage", error="http_500", status=500, channel="C3", acted=True)
    assert (await client.chat_postMessage(channel="C1", text="one"))["ok"], "another channel goes through"
    with pytest.raises(SlackApiError, match="channel_not_found"):
        await client.chat_postMessage(channel="C2", text="two")
    with pytest.raises(SlackApiError) as info:
        await client.chat_postMessage(channel="C3", text="three")
    assert info.value.response.status_code == 500
    assert [c.failed for c in fake.calls] == [False, True, True]
    assert {channel: [m["text"] for m in found] for channel, found in fake.messages.items()} == {
        "C1": ["one"],
        "C3": ["three"],
    }, "a refused post is not kept; one that failed after it was made is"


async def test_history_answers_a_channels_messages_newest_first_with_their_metadata(fake: FakeSlack) -> None:
    client = client_for(fake)
    before = time.time() - 1
    meta = {"event_type": "mentor_outbox", "event_payload": {"key": "k1"}}
    await client.chat_postMessage(channel="C1", text="first", metadata=meta)
    for text in ("second", "third"):
        await client.chat_postMessage(channel="C1", text=text)
    await client.chat_postMessage(channel="C2", text="elsewhere")
    page = await client.conversations_history(channel="C1", oldest=f"{before:.6f}", limit=2)
    assert [m["text"] for m in page["messages"]] == ["third", "second"] and page["has_more"] is True
    cursor = page["response_metadata"]["next_cursor"]
    rest = await client.conversations_history(channel="C1", limit=2, cursor=cursor, include_all_metadata=True)
    assert [(m["text"], m.get("metadata")) for m in rest["messages"]] == [("first", meta)]
    assert rest["has_more"] is False
    plain = await client.conversations_history(channel="C1")
    assert all("metadata" not in m for m in plain["messages"]), "metadata only when asked for"
    later = await client.conversations_history(channel="C1", oldest=f"{time.time() + 1:.6f}")
    assert later["messages"] == []
