"""The App Home tab: what Haven keeps about you, the latest digest for leaders, rituals for admins."""

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from bot.slack import ids
from bot.slack.digest_blocks import digest_blocks
from bot.slack.kit import Block, actions, button, context, divider, escape, header, section
from bot.slack.privacy_blocks import privacy_blocks
from bot.slack.views import KIND_LABELS
from rituals.clock import local_iso_week, utcnow
from rituals.digest import build_digest, last_complete_week
from rituals.privacy.policy import PrivacyPolicy
from rituals.privacy.retention import retention_of_person
from storage.models import Answer, Member, Story, Team, Workspace
from storage.models_slack import SlackUser
from storage.occurrences import rituals_of_team

MAX_BLOCKS = 100  # Slack's limit for a Home tab
MORE = (
    "There is more than the Home tab can hold: `/haven rituals` in a team's channel lists its "
    "rituals, and each weekly digest reaches its leaders by direct message."
)


def teams_of_workspace(*, session: Session, team_id: str) -> list[Team]:
    """Return the Haven teams bound to channels of this Slack workspace, by name."""
    return list(
        session.exec(
            select(Team)
            .join(Workspace, Workspace.id == Team.workspace_id)
            .where(Workspace.platform == "slack", Workspace.external_id == team_id)
            .order_by(Team.name)
        )
    )


def _count(session: Session, query: Any) -> int:
    return int(session.exec(query).one())


def about_you(*, session: Session, teams: list[Team], team_id: str, user_id: str) -> list[Block]:
    """Describe everything Haven stores about this person, and how anonymity works."""
    memberships = list(
        session.exec(
            select(Member).where(
                Member.platform_user_id == user_id, Member.team_id.in_([t.id for t in teams])
            )
        )
    )
    names = {t.id: t.name for t in teams}
    member_ids = [m.id for m in memberships] or [-1]
    checkins = _count(
        session,
        select(func.count())
        .select_from(Answer)
        .where(Answer.member_id.in_(member_ids), Answer.item == 0),
    )
    pulse = _count(
        session,
        select(func.count())
        .select_from(Answer)
        .where(Answer.member_id.in_(member_ids), Answer.item > 0),
    )
    stories = _count(
        session, select(func.count()).select_from(Story).where(Story.member_id.in_(member_ids))
    )
    profile = session.get(SlackUser, (team_id, user_id))
    teams_line = (
        ", ".join(
            f"{escape(names[m.team_id])}{' (leader)' if m.is_leader else ''}" for m in memberships
        )
        or "none yet"
    )
    kept = [
        f"• Your teams: {teams_line}.",
        f"• With your name: {checkins} check-in answers, {pulse} safety-pulse answers and "
        f"{stories} stories you posted in a failure thread. Others see check-ins only in "
        "`shared` mode; everything else reaches leaders only as team aggregates.",
        "• From your Slack profile: "
        + (
            f"name “{escape(profile.display_name)}”, time zone {profile.timezone or 'unknown'}, "
            f"{'away' if profile.away else 'not away'} (refreshed from Slack every 30 minutes)."
            if profile
            else "nothing yet."
        ),
        "• Anonymous answers and stories you shared anonymously: stored with no name, no Slack id "
        "and only the day, so not even Haven can tell they are yours.",
    ]
    threshold = min((t.threshold_texts for t in teams), default=5)
    how = [
        "• Nothing built from fewer people than the team's threshold is shown to anyone "
        f"(texts from {threshold}, numbers from 3 or more).",
        "• Anonymous answers go to leaders only once enough exist, shuffled, in one batch.",
        "• If you allow replies, your address is sealed with a key only the server has; "
        "leaders' replies reach you and they never learn who you are.",
        "• Reminders go only to you, and never name anyone.",
    ]
    return [
        header("What Haven keeps about you"),
        section("\n".join(kept)),
        header("How anonymity works"),
        section("\n".join(how)),
    ]


def latest_digest(*, session: Session, team: Team) -> list[Block]:
    """Return the digest of the team's last complete week, as leaders receive it."""
    week = last_complete_week(local_iso_week(utcnow(), team.timezone))
    return digest_blocks(build_digest(session=session, team_id=team.id, iso_week=week))


def admin_rituals(*, session: Session, teams: list[Team]) -> list[Block]:
    """List each team's rituals with buttons to edit, pause or resume them."""
    blocks: list[Block] = [header("Rituals (admins)")]
    for team in teams:
        blocks.append(section(f"*{escape(team.name)}* · <#{team.channel}> · {team.timezone}"))
        for ritual in rituals_of_team(session=session, team_id=team.id):
            state = "paused" if ritual.paused else "running"
            blocks.append(section(f"{KIND_LABELS[ritual.kind]} · `{ritual.schedule}` · {state}"))
            toggle = (
                button("Resume", action_id=ids.HOME_RESUME, value=str(ritual.id), style="primary")
                if ritual.paused
                else button("Pause", action_id=ids.HOME_PAUSE, value=str(ritual.id))
            )
            blocks.append(
                actions(
                    button("Edit", action_id=ids.HOME_EDIT, value=str(ritual.id)),
                    toggle,
                    block_id=f"home_ritual:{ritual.id}",
                )
            )
    if not teams:
        blocks.append(section("No team yet: run `/haven setup` in a team's channel."))
    return blocks


def home_view(
    *,
    session: Session,
    team_id: str,
    user_id: str,
    is_admin: bool,
    policy: PrivacyPolicy | None = None,
) -> dict[str, Any]:
    """Return the Home tab for one person."""
    teams = teams_of_workspace(session=session, team_id=team_id)
    led = {
        m.team_id
        for m in session.exec(
            select(Member).where(Member.platform_user_id == user_id, Member.is_leader)
        )
    }
    welcome = section(
        "👋 *Haven* runs small rituals that make it safer to speak up: check-ins, "
        "failure celebrations, anonymous questions and a weekly safety pulse."
    )
    middle: list[Block] = []
    if is_admin:
        middle += [divider(), *admin_rituals(session=session, teams=teams)]
    leader_teams = [t for t in teams if t.id in led]
    if leader_teams:
        middle.append(divider())
        for team in leader_teams:
            middle += latest_digest(session=session, team=team)
    own_data = privacy_blocks(
        retention_days=retention_of_person(session=session, user_id=user_id),
        policy=policy or PrivacyPolicy(),
    )
    privacy = [
        divider(),
        *about_you(session=session, teams=teams, team_id=team_id, user_id=user_id),
        *own_data,
    ]
    room = MAX_BLOCKS - 1 - len(privacy)  # what Haven keeps about you is always shown
    if len(middle) > room:
        middle = [*middle[: room - 1], context(MORE)]
    return {"type": "home", "blocks": [welcome, *middle, *privacy]}
