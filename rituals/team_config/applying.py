"""The database made to match a config, everything checked before anything is written."""

from sqlmodel import Session

from rituals.team_config.applying_members import apply_members
from rituals.team_config.applying_rituals import (
    apply_rituals,
    pause_rituals_of_dropped_team,
    rituals_of,
)
from rituals.team_config.applying_team import apply_team
from rituals.team_config.problems import ConfigError, Problem, described
from rituals.team_config.repeats import repeat_problems
from rituals.team_config.report import ApplyReport
from rituals.team_config.schema import TeamsConfig
from storage.teams import find_team, list_teams


def apply_config(*, session: Session, config: TeamsConfig) -> ApplyReport:
    """Make the database match the config in the session's transaction; the caller commits.

    Everything is checked before anything is written, so a ConfigError leaves the session clean.
    """
    teams = [team.model_dump() for team in config.teams]
    problems = repeat_problems(teams) + _kind_change_problems(session=session, config=config)
    if problems:
        raise ConfigError(config.source, described(problems, teams=teams))
    report = ApplyReport()
    applied_team_ids = set()
    for team_config in config.teams:
        team = apply_team(session=session, team_config=team_config, report=report)
        apply_members(session=session, team=team, team_config=team_config, report=report)
        apply_rituals(session=session, team=team, team_config=team_config, report=report)
        applied_team_ids.add(team.id)
    for team in list_teams(session=session):
        if team.id not in applied_team_ids:
            pause_rituals_of_dropped_team(session=session, team=team, report=report)
    session.flush()
    return report


def _kind_change_problems(*, session: Session, config: TeamsConfig) -> list[Problem]:
    problems = []
    for team_position, team_config in enumerate(config.teams):
        team = find_team(session=session, name=team_config.name)
        if team is None:
            continue
        kinds = {ritual.name: ritual.kind for ritual in rituals_of(session=session, team=team)}
        for position, ritual_config in enumerate(team_config.rituals):
            kind = kinds.get(ritual_config.key, ritual_config.kind)
            if kind != ritual_config.kind:
                problems.append(
                    Problem(
                        ("teams", team_position, "rituals", position, "kind"),
                        f"the ritual {ritual_config.key!r} is a {kind} and cannot change kind; "
                        f"give this {ritual_config.kind} another name",
                    )
                )
    return problems
