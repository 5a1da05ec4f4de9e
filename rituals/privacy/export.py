"""Everything Haven holds about one person, as plain data for a JSON file."""

from datetime import datetime
from typing import Any

from rituals.privacy.policy import PrivacyPolicy, what_is_kept
from storage.person_rows import PersonRows

NOT_EXPORTED = [
    "Anonymous feedback and anonymous failure stories: stored with no link to you, by design, so "
    "Haven cannot tell which are yours.",
    "Weekly team figures: built from at least k people; no one's part can be told apart.",
]


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export_person(
    *, rows: PersonRows, now: datetime, retention_days: int, policy: PrivacyPolicy | None = None
) -> dict[str, Any]:
    """Return what Haven holds about the person, and what it cannot export and why."""
    policy = policy or PrivacyPolicy()
    team_name = {team_id: team.name for team_id, team in rows.teams.items()}

    def ritual_of(occurrence_id: int) -> dict[str, Any]:
        occurrence, ritual = rows.rituals_of_occurrence[occurrence_id]
        return {
            "team": team_name.get(ritual.team_id, ""),
            "ritual": ritual.name,
            "kind": ritual.kind,
            "iso_week": occurrence.iso_week,
        }

    return {
        "user_id": rows.user_id,
        "exported_at": now.isoformat(),
        "profile": {
            "memberships": [
                {
                    "team": team_name.get(m.team_id, ""),
                    "display_name": m.display_name,
                    "leader": m.is_leader,
                    "active": m.active,
                }
                for m in rows.members
            ],
            "slack": [
                {
                    "workspace": p.team_id,
                    "display_name": p.display_name,
                    "timezone": p.timezone,
                    "workspace_admin": p.is_admin,
                    "away": p.away,
                    "fetched_at": _when(p.fetched_at),
                }
                for p in rows.slack_profiles
            ],
            "teams_rosters": [
                {"roster": r.roster_id, "display_name": r.display_name, "owner": r.is_owner}
                for r in rows.teams_rosters
            ],
            "leader_timezones": [p.timezone for p in rows.leader_profiles],
            "haven_admin_of_workspaces": [g.workspace_id for g in rows.admin_grants],
        },
        "named_answers": [
            {
                **ritual_of(a.occurrence_id),
                "item": a.item or None,
                "mood": a.mood,
                "score": a.score,
                "text": a.text,
                "sentiment": a.sentiment,  # computed; only ever shown as a team aggregate
                "answered_at": _when(a.answered_at),
            }
            for a in rows.answers
        ],
        "stories_shared_by_name": [
            {**ritual_of(s.occurrence_id), "text": s.text, "shared_at": _when(s.shared_at)}
            for s in rows.stories
        ],
        "leader_commitments": [
            {
                "team": team_name.get(c.team_id, ""),
                "iso_week": c.iso_week,
                "text": c.text,
                "created_at": _when(c.created_at),
            }
            for c in rows.commitments
        ],
        "conversation_references": [
            {"platform": "slack", "workspace": p.team_id, "dm_channel": p.dm_channel}
            for p in rows.slack_profiles
            if p.dm_channel
        ]
        + [
            {
                "platform": "teams",
                "conversation_id": c.conversation_id,
                "kind": c.kind,
                "tenant": c.tenant_id,
                "service_url": c.service_url,
            }
            for c in rows.teams_conversations
        ],
        "digests_received": [
            {"team": team_name.get(d.team_id, ""), "iso_week": d.iso_week, "status": d.status}
            for d in rows.deliveries
        ],
        "not_exported": NOT_EXPORTED,
        "how_long_it_is_kept": what_is_kept(retention_days=retention_days, policy=policy),
    }
