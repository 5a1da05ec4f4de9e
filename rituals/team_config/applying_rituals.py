"""A team's rituals made to match the config; rituals no longer in it are paused, not deleted."""

from rituals.team_config.assigning import assigned
from rituals.team_config.existing import ExistingSetup
from rituals.team_config.new_rows import NewRows
from rituals.team_config.report import ApplyReport
from rituals.team_config.schema import RitualConfig, TeamConfig
from storage.models import Ritual, Team


def apply_rituals(
    *,
    existing: ExistingSetup,
    added: NewRows,
    team: Team,
    team_config: TeamConfig,
    report: ApplyReport,
) -> None:
    """Create, update, pause and resume the team's rituals as the config lists them."""
    rituals = dict(existing.rituals_of(team))
    for ritual_config in team_config.rituals:
        subject = f"ritual {ritual_config.key!r} of team {team.name!r}"
        values = _ritual_values(ritual_config)
        ritual = rituals.pop(ritual_config.key, None)
        if ritual is None:
            added.rituals.append({"team_id": team.id, "name": ritual_config.key, **values})
            created = f"{ritual_config.kind} at {ritual_config.schedule!r}"
            report.record("created", subject, created, *(["paused"] if values["paused"] else []))
            continue
        paused = values.pop("paused")
        details = assigned(ritual, values)
        if details:
            report.record("updated", subject, *details)
        reason = "paused: true in the file" if paused else ""
        _set_paused(ritual, paused=bool(paused), subject=subject, reason=reason, report=report)
    for ritual in rituals.values():
        subject = f"ritual {ritual.name!r} of team {team.name!r}"
        _set_paused(
            ritual, paused=True, subject=subject, reason="no longer in the file", report=report
        )


def pause_rituals_of_dropped_team(
    *, existing: ExistingSetup, team: Team, report: ApplyReport
) -> None:
    """Pause every ritual of a team that is no longer in the file."""
    for ritual in existing.rituals_of(team).values():
        subject = f"ritual {ritual.name!r} of team {team.name!r}"
        reason = "the team is no longer in the file"
        _set_paused(ritual, paused=True, subject=subject, reason=reason, report=report)


def _ritual_values(ritual_config: RitualConfig) -> dict[str, object]:
    return {
        "kind": ritual_config.kind,
        "schedule": ritual_config.schedule,
        "mode": ritual_config.mode or "shared",
        "question": ritual_config.question or "",
        "window_minutes": ritual_config.window_minutes or 0,
        "paused": ritual_config.paused,
    }


def _set_paused(
    ritual: Ritual, *, paused: bool, subject: str, reason: str, report: ApplyReport
) -> None:
    if ritual.paused == paused:
        return
    ritual.paused = paused
    if paused:
        report.record("paused", subject, reason)
    else:
        report.record("resumed", subject)
