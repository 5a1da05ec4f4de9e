"""Team names, channels and ritual names used twice in one file."""

from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import Any

from rituals.team_config.problems import Problem, stripped_text
from rituals.team_config.schema import DEFAULT_WORKSPACE


def repeat_problems(teams: object) -> list[Problem]:
    """Find team names, channels and ritual names used twice; works on unvalidated data too."""
    if not isinstance(teams, list):
        return []
    entries = [team if isinstance(team, dict) else {} for team in teams]
    problems = []
    names = [_casefolded(stripped_text(team.get("name"))) for team in entries]
    for position, first in _repeats(names):
        problems.append(
            Problem(
                ("teams", position, "name"),
                f"{stripped_text(entries[position].get('name'))!r} is also the name of "
                f"teams[{first + 1}] (names are compared ignoring case)",
            )
        )
    for position, first in _repeats([_channel_key(team) for team in entries]):
        channel = stripped_text(entries[position].get("channel"))
        problems.append(
            Problem(
                ("teams", position, "channel"),
                f"{channel!r} is also the channel of teams[{first + 1}]; "
                "a channel belongs to one team",
            )
        )
    for team_position, team in enumerate(entries):
        problems += _ritual_repeat_problems(team_position, team.get("rituals"))
    return problems


def _ritual_repeat_problems(team_position: int, rituals: object) -> list[Problem]:
    if not isinstance(rituals, list):
        return []
    entries = [ritual if isinstance(ritual, dict) else {} for ritual in rituals]
    keys = [
        stripped_text(ritual.get("name")) or stripped_text(ritual.get("kind")) for ritual in entries
    ]
    return [
        Problem(
            ("teams", team_position, "rituals", position, "name"),
            f"{keys[position]!r} is also the name of rituals[{first + 1}]; "
            "rituals of the same kind need distinct names",
        )
        for position, first in _repeats(keys)
    ]


def _repeats(keys: Sequence[Hashable | None]) -> Iterator[tuple[int, int]]:
    """Yield (position, first position) of each key seen before; None is never a repeat."""
    first_positions: dict[Hashable, int] = {}
    for position, key in enumerate(keys):
        if key is None:
            continue
        if key in first_positions:
            yield position, first_positions[key]
        else:
            first_positions[key] = position


def _channel_key(team: Mapping[str, Any]) -> tuple[str, str, str] | None:
    platform, channel = stripped_text(team.get("platform")), stripped_text(team.get("channel"))
    if platform is None or channel is None:
        return None
    workspace = stripped_text(team.get("workspace")) or DEFAULT_WORKSPACE.get(platform, "")
    return platform, workspace, channel


def _casefolded(value: str | None) -> str | None:
    return value.casefold() if value else None
