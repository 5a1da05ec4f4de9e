"""What is wrong with a config file, as lines naming the file, the team and the field.

List positions count from 1, as a person counts list items.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from rituals.errors import HavenError

Location = tuple[int | str, ...]


class ConfigError(HavenError):
    """A config file Haven cannot apply: one line per problem, each naming the file."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__("\n".join(f"{source}: {problem}" for problem in self.problems))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, at a location such as ('teams', 0, 'rituals', 1, 'mode')."""

    location: Location
    message: str


def stripped_text(value: object) -> str | None:
    """Return a value of the unvalidated file as stripped text; None when blank or not text."""
    return value.strip() or None if isinstance(value, str) else None


def described(problems: list[Problem], *, teams: object) -> list[str]:
    """Return one line per problem, in team order, naming the team and the field."""
    ordered = sorted(problems, key=lambda problem: _team_position(problem.location))
    return [_described_one(problem, teams=teams) for problem in ordered]


def _described_one(problem: Problem, *, teams: object) -> str:
    location = problem.location
    position = _team_position(location)
    if position < 0:
        return f"{_path(location)}: {problem.message}" if location else problem.message
    team = teams[position] if isinstance(teams, list) and position < len(teams) else None
    name = stripped_text(team.get("name")) if isinstance(team, dict) else None
    label = f"team {name!r}" if name else f"teams[{position + 1}]"
    rest = location[2:]
    return f"{label}: {_path(rest)}: {problem.message}" if rest else f"{label}: {problem.message}"


def _team_position(location: Location) -> int:
    is_team = len(location) > 1 and location[0] == "teams" and isinstance(location[1], int)
    return int(location[1]) if is_team else -1


def _path(location: Location) -> str:
    path = ""
    for part in location:
        path += f"[{part + 1}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path
