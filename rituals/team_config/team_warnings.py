"""Warnings about a team that applies but cannot work as the file hopes, one line each."""

from rituals.team_config.schema import DEFAULT_WORKSPACE, TeamConfig
from storage.models import Workspace


def team_warnings(*, team_config: TeamConfig, workspace: Workspace) -> list[str]:
    """Return what will keep this team from showing figures or receiving clicks."""
    warnings = []
    people = _people_count(team_config)
    k = team_config.anonymity_threshold
    name = team_config.name
    if people is not None and people < k.numbers:
        warnings.append(
            f"team {name!r} has {people} people but anonymity_threshold {k.numbers}: "
            f"it can never show a figure; list at least {k.numbers} people or leave out "
            "`members:` to invite the whole channel"
        )
    elif people is not None and people < k.texts:
        warnings.append(
            f"team {name!r} has {people} people but a text threshold of {k.texts}: "
            f"anonymous answers can never be released; list at least {k.texts} people"
        )
    default = DEFAULT_WORKSPACE[team_config.platform]
    if team_config.platform == "slack" and workspace.external_id == default:
        warnings.append(
            f"team {name!r} has no `workspace:`; `haven serve` binds it to the workspace of "
            "SLACK_BOT_TOKEN when it starts (with OAuth installs, give `workspace: T…`)"
        )
    return warnings


def _people_count(team_config: TeamConfig) -> int | None:
    """Return how many distinct people the file lists, or None when the channel decides."""
    if team_config.members is None:
        return None
    return len({*team_config.leaders, *team_config.members})
