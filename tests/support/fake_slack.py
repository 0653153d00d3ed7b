"""A fake of Slack's Web API (and of ``response_url`` webhooks) for tests.

It is a stdlib :class:`http.server.ThreadingHTTPServer` on loopback running in a daemon thread, in the
spirit of bolt-python's ``tests/mock_web_api_server``. Every request is recorded as a :class:`Call` and
answered the way Slack answers it::

    with FakeSlack() as fake:
        client = AsyncWebClient(token="xoxb-test", base_url=fake.url)
        await client.chat_postMessage(channel="U123", text="hi")
        assert fake.calls_to("chat.postMessage")[0]["text"] == "hi"

How ``slack_sdk`` (3.47, ``AsyncWebClient``) sends requests, which this server accepts:

* methods built with ``json=`` (``chat.postMessage``, ``chat.update``, ``chat.postEphemeral``, ``views.*``)
  POST an ``application/json;charset=utf-8`` body;
* methods built with ``params=`` (``auth.test``, ``conversations.open``...) POST with the arguments in the
  **query string** and no body, even though the ``Content-Type`` header says form-urlencoded;
* ``users.info`` / ``users.list`` are GETs with a query string; booleans arrive as ``"1"`` / ``"0"``;
* methods built with ``data=`` POST a form body; file uploads POST ``multipart/form-data``;
* the token always travels as ``Authorization: Bearer ...`` (a ``token`` kwarg is moved there too).

Posted messages are kept per channel (``messages``, with their ``metadata``) and ``conversations.history`` answers
from them, newest first. The fake's ``ts`` values are a counter, not a time, so ``oldest`` and ``latest`` are
compared with the wall-clock time the fake received each post (what Slack's ``ts`` is).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import hashlib
import itertools
import json
import selectors
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

__all__ = ["RESPONSE_URL", "Call", "FakeSlack"]

RESPONSE_URL = "response_url"
"""Pseudo method name under which posts to :meth:`FakeSlack.webhook_url` are recorded."""

INVALID_TOKEN = "xoxb-invalid"
BOT_ID = "B0001"
APP_ID = "A0001"

# Form / query values under these keys are JSON documents encoded as strings; they are decoded.
_JSON_KEYS = frozenset(
    {
        "attachments",
        "blocks",
        "metadata",
        "option_groups",
        "options",
        "unfurls",
        "user_auth_blocks",
        "view",
    }
)

_Json = dict[str, Any]

_VIEW_METHODS = frozenset({"views.open", "views.push", "views.update", "views.publish"})

_TZ_LABELS = {
    "Europe/Paris": "Central European Time",
    "Europe/Berlin": "Central European Time",
    "Europe/London": "Greenwich Mean Time",
    "America/New_York": "Eastern Standard Time",
    "America/Los_Angeles": "Pacific Standard Time",
    "Asia/Tokyo": "Japan Standard Time",
    "UTC": "Coordinated Universal Time",
}


@dataclass
class Call:
    """One request received by the fake."""

    method: str
    """Web API method (``"views.open"``) or ``"response_url"`` for webhook posts."""
    params: dict[str, Any]
    """Query string + form fields + JSON body, merged (JSON strings under ``blocks``/``view``... decoded)."""
    path: str
    token: str | None
    failed: bool = False


@dataclass
class _Failure:
    error: str
    status: int
    retry_after: int | None
    channel: str | None = None  # only a call with this ``channel`` argument
    acted: bool = False  # the call takes effect (a message is posted), then fails all the same

    def matches(self, params: dict[str, Any]) -> bool:
        return self.channel is None or params.get("channel") == self.channel


@dataclass
class _Answer:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str]


def _json_answer(payload: _Json, status: int = 200, headers: dict[str, str] | None = None) -> _Answer:
    return _Answer(
        status=status,
        body=json.dumps(payload).encode("utf-8"),
        content_type="application/json; charset=utf-8",
        headers=headers or {},
    )


def _text_answer(text: str, status: int = 200, headers: dict[str, str] | None = None) -> _Answer:
    return _Answer(
        status=status,
        body=text.encode("utf-8"),
        content_type="text/plain; charset=utf-8",
        headers=headers or {},
    )


def _tz_label(tz: str, tz_offset: int) -> str:
    if tz in _TZ_LABELS:
        return _TZ_LABELS[tz]
    sign = "+" if tz_offset >= 0 else "-"
    hours, rest = divmod(abs(tz_offset), 3600)
    return f"UTC{sign}{hours:02d}:{rest // 60:02d}"


def _flatten_qs(qs: dict[str, list[str]]) -> dict[str, Any]:
    return {key: values[0] if len(values) == 1 else values for key, values in qs.items()}


def _decode_json_fields(params: dict[str, Any]) -> dict[str, Any]:
    for key in _JSON_KEYS:
        value = params.get(key)
        if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    parser = email.parser.BytesParser(policy=email.policy.HTTP)
    message = parser.parsebytes(b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    fields: dict[str, Any] = {}
    if not message.is_multipart():
        return fields
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        raw = payload if isinstance(payload, bytes) else b""
        if part.get_filename() is not None:
            fields[name] = raw
        else:
            fields[name] = raw.decode(part.get_content_charset() or "utf-8", errors="replace")
    return fields


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # a burst of concurrent calls is queued, not dropped (a dropped connect waits 1 s)
    timeout = 0  # handle_request() never blocks: serve_until_woken() calls it once the listening socket is ready

    def __init__(self, fake: FakeSlack) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake
        self._wake_up, self._woken = socket.socketpair()

    def serve_until_woken(self) -> None:
        """Serve requests (each in its own thread) until :meth:`wake` is called: unlike ``serve_forever``, which
        notices a shutdown only at its next poll, this stops at once, so a test's teardown does not wait."""
        with selectors.DefaultSelector() as selector:
            selector.register(self, selectors.EVENT_READ)
            selector.register(self._woken, selectors.EVENT_READ)
            while True:
                ready = {key.fileobj for key, _ in selector.select()}
                if self._woken in ready:
                    return
                self.handle_request()

    def wake(self) -> None:
        self._wake_up.send(b"x")

    def server_close(self) -> None:
        super().server_close()
        self._wake_up.close()
        self._woken.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeSlack/1.0"

    # --- plumbing -----------------------------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    @property
    def fake(self) -> FakeSlack:
        return cast(_Server, self.server).fake

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, answer: _Answer) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def _handle(self) -> None:
        try:
            answer = self._dispatch()
        except Exception as exc:  # keep the thread alive whatever happens
            self.fake.errors.append(exc)
            answer = _text_answer(f"fake slack internal error: {exc!r}", status=500)
        with contextlib.suppress(OSError):  # the client went away
            self._send(answer)

    # --- request parsing ----------------------------------------------------------------------------------

    def _parse(self, query: str) -> tuple[dict[str, Any], bool]:
        """Returns (params, body_was_valid)."""
        params: dict[str, Any] = _flatten_qs(parse_qs(query, keep_blank_values=True))
        body = self._read_body()
        if not body:
            return _decode_json_fields(params), True
        content_type = self.headers.get("Content-Type", "")
        mime = content_type.split(";", 1)[0].strip().lower()
        if mime == "application/json" or (not mime and body.lstrip()[:1] in (b"{", b"[")):
            try:
                decoded = json.loads(body.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                params["_raw_body"] = body.decode("utf-8", errors="replace")
                return params, False
            if isinstance(decoded, dict):
                params.update(decoded)
            else:
                params["_body"] = decoded
        elif mime == "multipart/form-data":
            params.update(_parse_multipart(content_type, body))
        else:
            text = body.decode("utf-8", errors="replace")
            params.update(_flatten_qs(parse_qs(text, keep_blank_values=True)))
        return _decode_json_fields(params), True

    def _token(self, params: dict[str, Any]) -> str | None:
        auth = self.headers.get("Authorization", "")
        if auth[:7].lower() == "bearer ":
            return auth[7:].strip() or None
        token = params.pop("token", None)
        return token if isinstance(token, str) and token else None

    # --- routing ------------------------------------------------------------------------------------------

    def _dispatch(self) -> _Answer:
        split = urlsplit(self.path)
        path = split.path
        fake = self.fake
        if path.startswith("/api/") and len(path) > len("/api/"):
            method = path[len("/api/") :]
            params, valid = self._parse(split.query)
            token = self._token(params)
            failure = fake._take_failure(method, params)
            try:  # answered before it is recorded: once a test sees the call, what it changed here is in place
                if failure is not None:
                    if failure.acted:
                        fake._answer(method, params)
                    answer = _failure_answer(failure)
                elif not valid:
                    answer = _json_answer({"ok": False, "error": "invalid_json"})
                elif token == INVALID_TOKEN:
                    answer = _json_answer({"ok": False, "error": "invalid_auth"})
                else:
                    answer = _json_answer(fake._answer(method, params))
            finally:
                fake._record(Call(method, params, path, token, failed=failure is not None))
            fake._pause()
            return answer
        if path.startswith("/webhook/") and self.command == "POST":
            name = path[len("/webhook/") :] or "hook"
            params, valid = self._parse("")
            params["_hook"] = name
            failure = fake._take_failure(RESPONSE_URL, params)
            fake._record(Call(RESPONSE_URL, params, path, None, failed=failure is not None))
            fake._pause()
            if failure is not None:
                headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
                status = failure.status if failure.status != 200 else 404
                return _text_answer(failure.error, status=status, headers=headers)
            if not valid:
                return _text_answer("invalid_payload", status=400)
            return _text_answer("ok")
        if path.startswith("/upload/") and self.command == "POST":  # files_upload_v2's step 2: the bytes
            file_id = path[len("/upload/") :]
            content = self._read_body()
            with fake._lock:
                known = file_id in fake.uploads
                if known:
                    fake.uploads[file_id]["content"] = content
            fake._record(Call("upload", {"file_id": file_id, "length": len(content)}, path, None, failed=not known))
            return _text_answer(f"OK - {len(content)}") if known else _text_answer("not found", status=404)
        self._read_body()
        fake._record(Call(path, _flatten_qs(parse_qs(split.query)), path, None, failed=True))
        return _text_answer("not found", status=404)


def _failure_answer(failure: _Failure) -> _Answer:
    headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
    if failure.status >= 500:
        return _text_answer(failure.error, status=failure.status, headers=headers)
    return _json_answer({"ok": False, "error": failure.error}, status=failure.status, headers=headers)


class FakeSlack:
    """Fake Slack Web API server. Use as a context manager or call :meth:`start` / :meth:`stop`."""

    def __init__(self, team_id: str = "T0001", bot_user_id: str = "UBOT", delay: float = 0.0) -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.delay = delay
        self.users: dict[str, dict[str, Any]] = {}
        self.calls: list[Call] = []
        self.errors: list[BaseException] = []
        self.uploads: dict[str, dict[str, Any]] = {}  # file id → filename, title, content (bytes), channel_id
        """Unexpected exceptions raised while handling a request (answered with HTTP 500)."""
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel → messages posted there, oldest first
        self._lock = threading.Lock()
        self._failures: dict[str, deque[_Failure]] = {}
        self._limits: dict[str, float] = {}  # method → calls per second allowed
        self._recent: dict[str, deque[float]] = {}
        self._ts_counter = itertools.count(1)
        self._view_counter = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        if self._server is not None:
            return self
        server = _Server(self)
        thread = threading.Thread(target=server.serve_until_woken, name="fake-slack", daemon=True)
        thread.start()
        self._server = server
        self._thread = thread
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = None
        self._thread = None
        if server is not None:
            server.wake()
        if thread is not None:
            thread.join(timeout=5)
        if server is not None:
            server.server_close()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Base URL for ``AsyncWebClient(base_url=...)``: ``http://127.0.0.1:<port>/api/``."""
        return f"http://127.0.0.1:{self.port}/api/"

    def webhook_url(self, name: str = "hook") -> str:
        """A URL to use as a ``response_url``; posts to it are recorded as method ``"response_url"``."""
        return f"http://127.0.0.1:{self.port}/webhook/{name}"

    # --- scripting ----------------------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        tz: str = "Europe/Paris",
        tz_offset: int = 3600,
        is_admin: bool = False,
        is_owner: bool = False,
        deleted: bool = False,
        real_name: str | None = None,
    ) -> None:
        name = real_name if real_name is not None else f"User {user_id}"
        self.users[user_id] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name.lower().replace(" ", "."),
            "deleted": deleted,
            "real_name": name,
            "tz": tz,
            "tz_label": _tz_label(tz, tz_offset),
            "tz_offset": tz_offset,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": False,
            "is_app_user": False,
            "profile": {"real_name": name, "display_name": name, "team": self.team_id},
        }

    def fail(
        self,
        method: str,
        *,
        error: str = "ratelimited",
        status: int | None = None,
        retry_after: int | None = None,
        times: int = 1,
        channel: str | None = None,
        acted: bool = False,
    ) -> None:
        """Make the next ``times`` calls to ``method`` answer ``{"ok": false, "error": error}``.

        ``status`` defaults to 429 (with ``Retry-After``, default 1) for ``ratelimited`` and to 200 otherwise,
        as Slack answers API errors with HTTP 200. A status >= 500 is answered with a plain-text body.
        For ``"response_url"`` the answer is plain text (``error``) with status 404 when it would be 200.
        ``channel``: only calls with that ``channel`` argument fail (others go through). ``acted``: the call does
        what it does (a message is posted) before failing, as Slack may when it answers 500 or times out.
        """
        if status is None:
            status = 429 if error == "ratelimited" else 200
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            queue = self._failures.setdefault(method, deque())
            for _ in range(times):
                queue.append(_Failure(error, status, retry_after, channel, acted))

    def rate_limit(self, method: str, per_second: float) -> None:
        """Answer ``method`` with 429 + ``Retry-After: 1`` beyond ``per_second`` calls in any one second."""
        with self._lock:
            self._limits[method] = per_second

    def reset(self) -> None:
        """Forget recorded calls and scripted failures (users are kept)."""
        with self._lock:
            self.calls.clear()
            self._failures.clear()
            self.errors.clear()

    # --- inspection ---------------------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Params of every recorded call to ``method`` (e.g. ``"chat.postMessage"`` or ``"response_url"``)."""
        with self._lock:
            return [call.params for call in self.calls if call.method == method]

    def methods(self) -> list[str]:
        """Method of every recorded call, in order."""
        with self._lock:
            return [call.method for call in self.calls]

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - a plain timeout argument is the documented API
        where: Callable[[dict[str, Any]], bool] | None = None,
    ) -> list[dict[str, Any]]:
        """Wait until at least ``count`` calls to ``method`` (those ``where`` accepts, if given) were recorded;
        return them."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = [call for call in self.calls_to(method) if where is None or where(call)]
            if len(found) >= count:
                return found
            if loop.time() >= deadline:
                raise AssertionError(
                    f"expected {count} call(s) to {method!r} within {timeout}s, got {len(found)}; "
                    f"methods seen so far: {self.methods()}"
                )
            await asyncio.sleep(0.01)

    def dm_channel_id(self, users: str) -> str:
        """The stable DM channel id answered for a user id (or comma-separated user ids)."""
        ids = [u.strip() for u in users.split(",") if u.strip()]
        if len(ids) == 1:
            return "D" + ids[0][1:] if len(ids[0]) > 1 else "D" + ids[0]
        digest = hashlib.sha1(",".join(sorted(ids)).encode("utf-8")).hexdigest()[:10].upper()
        return "D" + digest

    # --- internals used by the handler --------------------------------------------------------------------

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def _take_failure(self, method: str, params: dict[str, Any]) -> _Failure | None:
        with self._lock:
            queue = self._failures.get(method) or deque()
            for failure in queue:
                if failure.matches(params):
                    queue.remove(failure)
                    return failure
            per_second = self._limits.get(method)
            if per_second is None:
                return None
            now, window = time.monotonic(), self._recent.setdefault(method, deque())
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= per_second:  # over the limit in the last second: 429, as Slack answers
                return _Failure(error="ratelimited", status=429, retry_after=1)
            window.append(now)
            return None

    def _pause(self) -> None:
        if self.delay > 0:
            time.sleep(self.delay)

    def _next_ts(self) -> str:
        with self._lock:
            micros = 100 * next(self._ts_counter)
        seconds, fraction = divmod(micros, 1_000_000)
        return f"{1_700_000_000 + seconds}.{fraction:06d}"

    def _user_object(self, user_id: str) -> dict[str, Any] | None:
        stored = self.users.get(user_id)
        if stored is None:
            return None
        real_name = stored.get("real_name") or f"User {user_id}"
        tz = stored.get("tz", "Europe/Paris")
        tz_offset = stored.get("tz_offset", 3600)
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": str(real_name).lower().replace(" ", "."),
            "deleted": False,
            "real_name": real_name,
            "tz": tz,
            "tz_label": _tz_label(str(tz), int(tz_offset)),
            "tz_offset": tz_offset,
            "is_admin": False,
            "is_owner": False,
            "is_bot": False,
            "profile": {"real_name": real_name, "display_name": real_name},
        }
        user.update(stored)
        return user

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://fake.slack.com/",
                "team": "Fake Team",
                "user": "mentorbot",
                "team_id": self.team_id,
                "user_id": self.bot_user_id,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if method == "users.info":
            user = self._user_object(str(params.get("user", "")))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": user}
        if method in _VIEW_METHODS:
            return {"ok": True, "view": self._view(method, params)}
        if method == "chat.postMessage":
            channel = self._channel(params.get("channel"))
            ts = self._next_ts()
            message: dict[str, Any] = {
                "type": "message",
                "user": self.bot_user_id,
                "bot_id": BOT_ID,
                "team": self.team_id,
                "text": params.get("text", ""),
                "blocks": params.get("blocks") or [],
                "ts": ts,
            }
            if "thread_ts" in params:
                message["thread_ts"] = params["thread_ts"]
            if isinstance(params.get("metadata"), dict):
                message["metadata"] = params["metadata"]
            with self._lock:
                self.messages.setdefault(str(channel), []).append({**message, "_at": time.time()})
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "chat.update":
            channel = self._channel(params.get("channel"))
            ts = params.get("ts", "")
            return {
                "ok": True,
                "channel": channel,
                "ts": ts,
                "text": params.get("text", ""),
                "message": {"text": params.get("text", ""), "blocks": params.get("blocks") or [], "ts": ts},
            }
        if method == "files.getUploadURLExternal":
            with self._lock:
                file_id = f"F{len(self.uploads) + 1:08d}"
                self.uploads[file_id] = {"filename": params.get("filename"), "length": params.get("length")}
            return {"ok": True, "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = params.get("files")
            files = json.loads(files) if isinstance(files, str) else files or []
            done = []
            with self._lock:
                for entry in files:
                    stored = self.uploads.get(str(entry.get("id")))
                    if stored is None or "content" not in stored:
                        return {"ok": False, "error": "file_not_found"}
                    stored.update(
                        title=entry.get("title"),
                        channel_id=params.get("channel_id"),
                        initial_comment=params.get("initial_comment"),
                    )
                    done.append({"id": entry.get("id"), "title": entry.get("title"), "name": stored["filename"]})
            return {"ok": True, "files": done}
        if method == "conversations.history":
            return self._history(params)
        if method == "conversations.open":
            if isinstance(params.get("channel"), str) and params["channel"]:
                return {"ok": True, "channel": {"id": params["channel"]}}
            users = params.get("users", "")
            if isinstance(users, list):
                users = ",".join(str(u) for u in users)
            if not users:
                return {"ok": False, "error": "users_list_not_supplied"}
            return {"ok": True, "channel": {"id": self.dm_channel_id(str(users))}}
        return {"ok": True}

    def _history(self, params: dict[str, Any]) -> dict[str, Any]:
        """``conversations.history``: the channel's messages in (``oldest``, ``latest``), newest first, ``limit``
        (default 100) a page, the page after ``cursor``; metadata only with ``include_all_metadata``."""
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        oldest, latest = float(params.get("oldest") or 0), float(params.get("latest") or time.time() + 1)
        with self._lock:
            stored = list(self.messages.get(str(params["channel"]), []))
        found = [m for m in reversed(stored) if oldest < m["_at"] <= latest]
        start, limit = int(params.get("cursor") or 0), int(params.get("limit") or 100)
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        page = [
            {k: v for k, v in m.items() if k != "_at" and (with_metadata or k != "metadata")}
            for m in found[start : start + limit]
        ]
        more = start + limit < len(found)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _channel(self, channel: Any) -> Any:
        if isinstance(channel, str) and channel[:1] in ("U", "W") and len(channel) > 1:
            return self.dm_channel_id(channel)
        return channel

    def _view(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        posted = params.get("view")
        view: dict[str, Any] = dict(posted) if isinstance(posted, dict) else {}
        with self._lock:
            number = next(self._view_counter)
        view_id = f"V{number:08d}"
        if method == "views.update" and isinstance(params.get("view_id"), str) and params["view_id"]:
            view_id = params["view_id"]
        view.update(
            {
                "id": view_id,
                "team_id": self.team_id,
                "app_id": APP_ID,
                "bot_id": BOT_ID,
                "state": {"values": {}},
                "hash": f"1700000000.{hashlib.sha1(f'{view_id}:{number}'.encode()).hexdigest()[:8]}",
                "root_view_id": view_id,
                "previous_view_id": None,
            }
        )
        view.setdefault("blocks", [])
        view.setdefault("private_metadata", "")
        view.setdefault("callback_id", "")
        view.setdefault("external_id", params.get("external_id", ""))
        return view
