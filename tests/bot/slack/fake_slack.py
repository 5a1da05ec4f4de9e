"""A local fake of the Slack Web API: records every call and answers like Slack does."""

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer

BOT_USER = "UHAVENBOT"
BOT_ID = "BHAVEN"
TEAM = "T0HAVEN"
JSON_FIELDS = ("blocks", "view", "attachments", "files", "users", "metadata")


@dataclass
class Call:
    """One request the fake received."""

    method: str
    args: dict[str, Any]
    token: str
    at: float = field(default_factory=time.monotonic)
    connection: str = ""  # the caller's address and port: one per TCP connection


@dataclass
class FakeSlack:
    """Slack's Web API on 127.0.0.1 (port 0): users, channel members, 429s on demand, Socket Mode."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, list[str]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)  # posts to response_url
    uploads: dict[str, bytes] = field(default_factory=dict)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 2  # conversations.members paginates early, as Slack may
    anyone: bool = False  # users.info knows every id (load tests with many made-up people)
    stall_seconds: float = 0.0  # hold every Web API answer this long (a slow or silent Slack)
    _limits: dict[str, list[int]] = field(default_factory=dict)
    _failures: dict[str, list[Any]] = field(default_factory=dict)
    _ts: Any = field(default_factory=lambda: itertools.count(1))
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    posted: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by channel, as history
    delay: dict[str, float] = field(default_factory=dict)  # seconds each call of a method waits
    pacing: Any = None  # a callable(method, args) -> seconds to Retry-After, or 0 to serve
    server: TestServer | None = None

    @property
    def url(self) -> str:
        """Return the API base URL, as SLACK_API_URL takes it."""
        assert self.server is not None
        return str(self.server.make_url("/api/"))

    async def start(self, *, port: int = 0) -> "FakeSlack":
        """Serve on a free port (or the given one)."""
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{anything:.*}", self._response_url)
        app.router.add_get("/socket", self._socket)
        self.server = TestServer(app, host="127.0.0.1", port=port)
        await self.server.start_server()
        return self

    async def close(self) -> None:
        """Stop serving."""
        for socket in list(self._sockets):
            await socket.close()
        if self.server is not None:
            await self.server.close()

    def add_user(self, user_id: str, name: str, **fields: Any) -> None:
        """Make users.info know a person; fields override the defaults (tz, is_admin, profile...)."""
        profile = {"display_name": name, "real_name": name, "status_text": "", "status_emoji": ""}
        profile.update(fields.pop("profile", {}))
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM,
            "name": name.lower(),
            "real_name": name,
            "tz": "Europe/Berlin",
            "is_bot": False,
            "deleted": False,
            "is_admin": False,
            "is_owner": False,
            "profile": profile,
            **fields,
        }

    def rate_limit(self, method: str, *, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next `times` calls of method with 429 and Retry-After."""
        self._limits[method] = [times, retry_after]

    def fail(self, method: str, error: str, *, times: int = 1, status: int = 200) -> None:
        """Answer the next `times` calls of method with {"ok": false, "error": error}."""
        self._failures[method] = [times, error, status]

    def calls_to(self, method: str) -> list[Call]:
        """Return the recorded calls of one method, in order."""
        return [call for call in self.calls if call.method == method]

    def next_ts(self) -> str:
        """Return a new message timestamp."""
        return f"1767000000.{next(self._ts):06d}"

    async def _arguments(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        for name in JSON_FIELDS:
            if isinstance(args.get(name), str) and args[name][:1] in "[{":
                args[name] = json.loads(args[name])
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._arguments(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self.calls.append(Call(method=method, args=args, token=token, connection=str(peer)))
        if self.pacing is not None:
            wait = self.pacing(method, args)
            if wait:
                return web.json_response(
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": str(wait)},
                )
        if self.stall_seconds:
            await asyncio.sleep(self.stall_seconds)
        limit = self._limits.get(method)
        if limit and limit[0] > 0:
            limit[0] -= 1
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(limit[1])},
            )
        failure = self._failures.get(method)
        if failure and failure[0] > 0:
            failure[0] -= 1
            return web.json_response({"ok": False, "error": failure[1]}, status=failure[2])
        answer = self._answer(method, args, request)
        if self.delay.get(method):  # done, but the answer is slow: a caller may give up on it
            await asyncio.sleep(self.delay[method])
        return web.json_response(answer)

    def _answer(self, method: str, args: dict[str, Any], request: web.Request) -> dict[str, Any]:
        ok = {"ok": True}
        if method == "auth.test":
            return {
                **ok,
                "url": "https://haven-test.slack.com/",
                "team": "Haven Test",
                "user": "haven",
                "team_id": TEAM,
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
            }
        if method in ("conversations.history", "conversations.replies"):
            return self._history(method, args)
        if method in ("chat.postMessage", "chat.update"):
            ts = self._remember(args) if method == "chat.postMessage" else args.get("ts", "")
            return {
                **ok,
                "channel": args.get("channel"),
                "ts": ts,
                "message": {"text": args.get("text", ""), "ts": ts, "bot_id": BOT_ID},
            }
        if method == "chat.postEphemeral":
            return {**ok, "message_ts": self.next_ts()}
        if method == "conversations.open":
            return {**ok, "channel": {"id": "D" + str(args.get("users", "")).lstrip("UW")}}
        if method == "conversations.members":
            return self._members(args)
        if method == "users.info":
            if self.anyone and str(args.get("user")) not in self.users:
                self.add_user(str(args.get("user")), f"Person {args.get('user')}")
            user = self.users.get(str(args.get("user")))
            return {**ok, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method in ("views.open", "views.publish", "views.update", "views.push"):
            return {
                **ok,
                "view": {"id": "V" + self.next_ts().replace(".", ""), **(args.get("view") or {})},
            }
        if method == "files.getUploadURLExternal":
            file_id = "F" + self.next_ts().replace(".", "")
            return {
                **ok,
                "file_id": file_id,
                "upload_url": str(request.url.with_path(f"/upload/{file_id}").with_query(None)),
            }
        if method == "files.completeUploadExternal":
            return {
                **ok,
                "files": [
                    {"id": f["id"], "title": f.get("title", "")} for f in args.get("files", [])
                ],
            }
        if method == "oauth.v2.access":
            return {
                **ok,
                "access_token": "xoxb-installed",
                "token_type": "bot",
                "scope": "chat:write,commands",
                "bot_user_id": BOT_USER,
                "app_id": "AHAVEN",
                "team": {"id": "T0OTHER", "name": "Other Co"},
                "enterprise": None,
                "authed_user": {"id": "UINSTALLER"},
                "is_enterprise_install": False,
            }
        if method == "apps.connections.open":
            return {
                **ok,
                "url": str(request.url.with_path("/socket").with_scheme("ws").with_query(None)),
            }
        return {"ok": False, "error": "unknown_method"}

    def _remember(self, args: dict[str, Any]) -> str:
        """Keep the post (with its metadata) for conversations.history and .replies; return its ts."""
        ts = self.next_ts()
        self.posted.setdefault(str(args.get("channel")), []).append(
            {
                "ts": ts,
                "thread_ts": args.get("thread_ts"),
                "text": args.get("text", ""),
                "bot_id": BOT_ID,
                "metadata": args.get("metadata"),
            }
        )
        return ts

    def _history(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """Answer like Slack: newest first; metadata only with include_all_metadata."""
        messages = self.posted.get(str(args.get("channel")), [])
        if method == "conversations.replies":
            messages = [m for m in messages if m["thread_ts"] == args.get("ts")]
        else:
            messages = [m for m in messages if not m["thread_ts"]]
        with_metadata = str(args.get("include_all_metadata")).lower() in ("true", "1")
        shown = [
            {k: v for k, v in m.items() if with_metadata or k != "metadata"}
            for m in reversed(messages)
        ]
        return {"ok": True, "messages": shown, "has_more": False}

    def posts_tagged(self, key: str) -> list[dict[str, Any]]:
        """Return every post whose outbox metadata carries key."""
        return [
            m
            for messages in self.posted.values()
            for m in messages
            if ((m.get("metadata") or {}).get("event_payload") or {}).get("key") == key
        ]

    def _members(self, args: dict[str, Any]) -> dict[str, Any]:
        members = self.channels.get(str(args.get("channel")))
        if members is None:
            return {"ok": False, "error": "channel_not_found"}
        start = int(args.get("cursor") or 0)
        page = members[start : start + self.page_size]
        following = start + self.page_size
        return {
            "ok": True,
            "members": page,
            "response_metadata": {
                "next_cursor": str(following) if following < len(members) else ""
            },
        }

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK")

    async def _response_url(self, request: web.Request) -> web.Response:
        self.responses.append(await request.json())
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1})
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                self.socket_acks.append(json.loads(message.data))
        self._sockets.remove(socket)
        return socket

    async def push_envelope(
        self, envelope: dict[str, Any], *, timeout: float = 5.0
    ) -> dict[str, Any]:
        """Send a Socket Mode envelope to the connected app and return its acknowledgement."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not self._sockets:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("no Socket Mode connection")
            await asyncio.sleep(0.02)
        await self._sockets[-1].send_json(envelope)
        while True:
            for ack in self.socket_acks:
                if ack.get("envelope_id") == envelope["envelope_id"]:
                    return ack
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("no acknowledgement")
            await asyncio.sleep(0.02)
