"""One-time sign-in links: signed with HAVEN_DASHBOARD_KEY, valid ten minutes, used once."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session, select

from rituals.errors import InvalidAnswer, NotFound
from storage.dashboard import use_link_nonce
from storage.models import Member, Team, Workspace

LINK_LIFETIME = timedelta(minutes=10)
SALT = "haven-dashboard-sign-in"
SIGN_IN_PATH = "/app/sign-in"


@dataclass(frozen=True, slots=True)
class LinkClaim:
    """Who a sign-in link is for: a person of a workspace, and whether their platform vouched them admin."""

    workspace_id: int
    user_id: str
    platform_admin: bool
    nonce: str


class LinkRefused(InvalidAnswer):
    """A sign-in link that is forged, expired or already used."""


def _serializer(key: str) -> URLSafeTimedSerializer:
    if not key:
        raise InvalidAnswer("The dashboard is off: set HAVEN_DASHBOARD_KEY to sign links.")
    return URLSafeTimedSerializer(key, salt=SALT)


def mint_link(
    *, key: str, base_url: str, workspace_id: int, user_id: str, platform_admin: bool
) -> str:
    """Return a new one-time sign-in URL for a person."""
    token = _serializer(key).dumps(
        [workspace_id, user_id, platform_admin, secrets.token_urlsafe(16)]
    )
    return f"{base_url.rstrip('/')}{SIGN_IN_PATH}?{urlencode({'token': token})}"


def redeem_link(*, session: Session, key: str, token: str, now: datetime) -> LinkClaim:
    """Return who a link signs in, spending it; raise LinkRefused when it is bad, old or used."""
    try:
        workspace_id, user_id, platform_admin, nonce = _serializer(key).loads(
            token, max_age=int(LINK_LIFETIME.total_seconds())
        )
    except SignatureExpired:
        raise LinkRefused(
            "This sign-in link has expired (links last 10 minutes). Ask Haven for a new one."
        ) from None
    except (BadSignature, ValueError, TypeError):
        raise LinkRefused("This sign-in link is not valid. Ask Haven for a new one.") from None
    if not use_link_nonce(
        session=session, nonce=str(nonce), now=now, forget_after=LINK_LIFETIME * 2
    ):
        raise LinkRefused("This sign-in link was already used. Ask Haven for a new one.")
    return LinkClaim(
        workspace_id=int(workspace_id),
        user_id=str(user_id),
        platform_admin=bool(platform_admin),
        nonce=str(nonce),
    )


def link_for_member(*, session: Session, key: str, base_url: str, member_id: int) -> str:
    """Return a one-time sign-in URL for the person behind a team member (no platform admin claim)."""
    member = session.get(Member, member_id)
    team = session.get(Team, member.team_id) if member else None
    if member is None or team is None:
        raise NotFound(f"no member with id {member_id}")
    return mint_link(
        key=key,
        base_url=base_url,
        workspace_id=team.workspace_id,
        user_id=member.platform_user_id,
        platform_admin=False,
    )


def link_for_person(
    *,
    session: Session,
    key: str,
    base_url: str,
    platform: str,
    workspace: str,
    user_id: str,
    platform_admin: bool,
) -> str:
    """Return a one-time sign-in URL for a person the chat platform has just authenticated."""
    home = session.exec(
        select(Workspace).where(Workspace.platform == platform, Workspace.external_id == workspace)
    ).first()
    if home is None or home.id is None:
        raise NotFound("Haven has no team in this workspace yet: an admin can run setup first.")
    return mint_link(
        key=key,
        base_url=base_url,
        workspace_id=home.id,
        user_id=user_id,
        platform_admin=platform_admin,
    )
