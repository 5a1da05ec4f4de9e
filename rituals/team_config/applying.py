"""The database made to match a config, everything checked before anything is written.

Linear in the number of teams: the database is read once up front (rituals/team_config/existing.py)
and written in three flushes, so 10,000 teams apply in seconds. A dry run reads and never flushes,
so it holds no write lock while it works out the changes.
"""

from collections.abc import Callable, Mapping

from sqlmodel import Session

from rituals.team_config.applying_admins import apply_admins
from rituals.team_config.applying_members import apply_members
from rituals.team_config.applying_rituals import apply_rituals, pause_rituals_of_dropped_team
from rituals.team_config.applying_team import apply_retention, apply_team, team_workspace
from rituals.team_config.existing import ExistingSetup, read_existing
from rituals.team_config.new_rows import NewRows
from rituals.team_config.problems import ConfigError, Problem, described
from rituals.team_config.repeats import repeat_problems
from rituals.team_config.report import ApplyReport
from rituals.team_config.schema import TeamsConfig
from rituals.team_config.team_warnings import team_warnings
from storage.team_retention import stored_retentions


def apply_config(
    *,
    session: Session,
    config: TeamsConfig,
    default_workspaces: Mapping[str, str] | None = None,
    dry_run: bool = False,
    on_team: Callable[[], None] = lambda: None,
) -> ApplyReport:
    """Make the database match the config in the session's transaction; the caller commits.

    `default_workspaces` names the workspace of a team that gives none (e.g. the Slack team id
    of SLACK_BOT_TOKEN). With `dry_run`, nothing is flushed: the caller discards the session.
    Everything is checked before anything is written, so a ConfigError leaves the session clean.
    """
    with session.no_autoflush:
        existing = read_existing(session=session)
        teams = [team.model_dump() for team in config.teams]
        problems = repeat_problems(teams) + _kind_change_problems(existing, config)
        if problems:
            raise ConfigError(config.source, described(problems, teams=teams))
        defaults = dict(default_workspaces or {})
        workspaces = [
            team_workspace(session=session, existing=existing, team_config=t, defaults=defaults)
            for t in config.teams
        ]
        _flush(session, dry_run)  # new workspaces get their ids
        reports = [ApplyReport() for _ in config.teams]
        added = NewRows()
        applied = [
            apply_team(
                added=added,
                existing=existing,
                team_config=team_config,
                workspace=workspace,
                report=report,
            )
            for team_config, workspace, report in zip(
                config.teams, workspaces, reports, strict=True
            )
        ]
        if not dry_run:
            session.flush()  # updated teams
            added.insert_teams(session=session)  # new teams get their ids
        retentions = stored_retentions(session=session)
        for team, team_config, workspace, report in zip(
            applied, config.teams, workspaces, reports, strict=True
        ):
            changed = apply_retention(
                session=session,
                stored=retentions,
                team=team,
                days=team_config.retention_days,
                dry_run=dry_run,
            )
            if changed:
                report.record("updated", f"team {team.name!r}", *changed)
            apply_members(
                existing=existing,
                added=added,
                team=team,
                team_config=team_config,
                report=report,
            )
            apply_rituals(
                existing=existing,
                added=added,
                team=team,
                team_config=team_config,
                report=report,
            )
            apply_admins(
                existing=existing,
                added=added,
                workspace=workspace,
                team_config=team_config,
                report=report,
            )
            for warning in team_warnings(team_config=team_config, workspace=workspace):
                report.warn(warning)
            on_team()
        report = ApplyReport.joined(reports)
        applied_names = {team.name.casefold() for team in applied}
        for name, team in existing.teams.items():
            if name not in applied_names:
                pause_rituals_of_dropped_team(existing=existing, team=team, report=report)
        _flush(session, dry_run)
        if not dry_run:
            added.insert(session=session)
    return report


def _flush(session: Session, dry_run: bool) -> None:
    if not dry_run:
        session.flush()


def _kind_change_problems(existing: ExistingSetup, config: TeamsConfig) -> list[Problem]:
    problems = []
    for team_position, team_config in enumerate(config.teams):
        team = existing.team(team_config.name)
        if team is None:
            continue
        kinds = {name: ritual.kind for name, ritual in existing.rituals_of(team).items()}
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
