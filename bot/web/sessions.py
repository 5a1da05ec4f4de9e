"""Browser sessions: an opaque cookie (HttpOnly, SameSite=Lax, Secure off localhost), 8 hours."""

import hashlib
import secrets
from datetime import datetime, timedelta

from aiohttp import web
from sqlmodel import Session

from bot.web.access import Viewer
from bot.web.links import LinkClaim
from storage.dashboard import end_session, live_session, save_session
from storage.models_dashboard import DashboardSession

COOKIE = "haven_session"
SESSION_LIFETIME = timedelta(hours=8)
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(*, session: Session, claim: LinkClaim, now: datetime) -> str:
    """Open a session for the person a link signed in; return the cookie's value."""
    token = secrets.token_urlsafe(32)
    save_session(
        session=session,
        record=DashboardSession(
            token_hash=_hash(token),
            workspace_id=claim.workspace_id,
            user_id=claim.user_id,
            platform_admin=claim.platform_admin,
            csrf_token=secrets.token_urlsafe(32),
            expires_at=now + SESSION_LIFETIME,
        ),
        now=now,
    )
    return token


def viewer_of(*, session: Session, request: web.Request, now: datetime) -> Viewer | None:
    """Return the signed-in person of a request, or None."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    found = live_session(session=session, token_hash=_hash(token), now=now)
    if found is None:
        return None
    return Viewer(
        workspace_id=found.workspace_id,
        user_id=found.user_id,
        platform_admin=found.platform_admin,
        csrf_token=found.csrf_token,
    )


def stop_session(*, session: Session, request: web.Request, now: datetime) -> None:
    """End the request's session, if any."""
    token = request.cookies.get(COOKIE)
    if token:
        end_session(session=session, token_hash=_hash(token), now=now)


def is_local(request: web.Request) -> bool:
    """Return whether the request came to a loopback host name, where cookies need not be Secure."""
    host = request.host or ""
    name = (
        host[: host.index("]") + 1]
        if host.startswith("[") and "]" in host
        else host.rsplit(":", 1)[0]
    )
    return name in LOCAL_HOSTS


def set_cookie(response: web.StreamResponse, *, request: web.Request, token: str) -> None:
    """Attach the session cookie with the attributes the dashboard promises."""
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/app/",
        httponly=True,
        secure=not is_local(request),
        samesite="Lax",
    )


def clear_cookie(response: web.StreamResponse, *, request: web.Request) -> None:
    """Remove the session cookie from the browser."""
    response.del_cookie(COOKIE, path="/app/")
