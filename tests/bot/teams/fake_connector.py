"""A local fake of the Bot Framework connector: records what Haven sends and answers like Teams."""

import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class Call:
    """One request the connector received."""

    method: str
    conversation_id: str
    path: str
    body: Any
    size: int = 0  # bytes of the request body, as Teams would measure the activity
    at: float = field(default_factory=time.monotonic)  # when it arrived

    @property
    def card(self) -> dict[str, Any] | None:
        """Return the Adaptive Card the request carried, if any."""
        for attachment in (self.body or {}).get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                return attachment["content"]
        return None

    @property
    def card_text(self) -> str:
        """Return every text of the card (and the activity's own text), joined."""
        texts: list[str] = [str((self.body or {}).get("text") or "")]

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for key in ("text", "title"):
                    if isinstance(node.get(key), str):
                        texts.append(node[key])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(self.card)
        return "\n".join(texts)


@dataclass
class FakeConnector:
    """Answers /v3/conversations like Teams; can throttle (429), fail (5xx) or refuse (403)."""

    rosters: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    page_size: int = 2
    calls: list[Call] = field(default_factory=list)
    removed: set[str] = field(default_factory=set)  # conversation ids (without ;messageid=) → 403
    _failures: list[tuple[int, str | None]] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1_700_000_000_001))
    _runner: web.AppRunner | None = None
    url: str = ""

    async def start(self) -> str:
        """Serve on a free local port and return the service URL."""
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._send)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._send)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._update)
        app.router.add_get("/v3/conversations/{conversation}/pagedmembers", self._paged)
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self._member)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/"
        return self.url

    async def close(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()

    def fail_next(self, status: int, *, times: int = 1, retry_after: str | None = None) -> None:
        """Answer the next requests with this status (429, 503, ...)."""
        self._failures.extend([(status, retry_after)] * times)

    def remove_bot(self, conversation_id: str) -> None:
        """Answer 403 to anything about this conversation, as Teams does once the bot is removed."""
        self.removed.add(conversation_id.split(";messageid=")[0])

    def sent(self, method: str = "POST", conversation_id: str | None = None) -> list[Call]:
        """Return the calls of one method, optionally to one conversation (thread ids included)."""
        return [
            c
            for c in self.calls
            if c.method == method
            and (conversation_id is None or c.conversation_id == conversation_id)
        ]

    def posts(self, conversation_id: str | None = None) -> list[Call]:
        """Return the messages the bot posted (replies included), optionally to one conversation."""
        return [c for c in self.sent("POST", conversation_id) if "/activities" in c.path]

    async def _record(self, request: web.Request) -> web.Response | None:
        body = await request.read()
        conversation = request.match_info.get("conversation", "")
        self.calls.append(
            Call(
                method=request.method,
                conversation_id=conversation,
                path=request.path,
                body=json.loads(body) if body else None,
                size=len(body),
            )
        )
        if self._failures:
            status, retry_after = self._failures.pop(0)
            headers = {"Retry-After": retry_after} if retry_after else {}
            return web.json_response(
                {
                    "error": {
                        "code": "Throttled" if status == 429 else "ServiceError",
                        "message": "try later",
                    }
                },
                status=status,
                headers=headers,
            )
        if conversation and conversation.split(";messageid=")[0] in self.removed:
            return web.json_response(
                {
                    "error": {
                        "code": "BotNotInConversationRoster",
                        "message": "The bot is not part of the conversation roster.",
                    }
                },
                status=403,
            )
        return None

    async def _create(self, request: web.Request) -> web.Response:
        refused = await self._record(request)
        if refused:
            return refused
        members = self.calls[-1].body.get("members") or [{}]
        return web.json_response({"id": f"a:personal-{members[0].get('id')}", "activityId": ""})

    async def _send(self, request: web.Request) -> web.Response:
        refused = await self._record(request)
        return refused or web.json_response({"id": str(next(self._ids))})

    async def _update(self, request: web.Request) -> web.Response:
        refused = await self._record(request)
        return refused or web.json_response({"id": request.match_info["activity"]})

    async def _paged(self, request: web.Request) -> web.Response:
        refused = await self._record(request)
        if refused:
            return refused
        members = self.rosters.get(request.match_info["conversation"], [])
        start = int(request.query.get("continuationToken") or 0)
        page = members[start : start + self.page_size]
        token = str(start + self.page_size) if start + self.page_size < len(members) else None
        return web.json_response({"members": page, "continuationToken": token})

    async def _member(self, request: web.Request) -> web.Response:
        refused = await self._record(request)
        if refused:
            return refused
        for members in self.rosters.values():
            for member in members:
                if member["id"] == request.match_info["member"]:
                    return web.json_response(member)
        return web.json_response({"error": {"code": "NotFound"}}, status=404)
