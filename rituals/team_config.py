"""Config as code: teams and rituals described in YAML, validated, applied and exported.

Problems name the file, the team and the field, e.g.
`teams.yml: team 'Platform': rituals[1].schedule: '61 9 * * mon' is not a valid cron expression
(minute 61 is out of range 0–59)`. List positions count from 1, as a person counts list items.
"""

import difflib
import re
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from apscheduler.triggers.cron import CronTrigger
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import ErrorDetails
from sqlmodel import Session, SQLModel, select

from rituals.anonymity import DEFAULT_NUMBERS, DEFAULT_TEXTS, MINIMUM_THRESHOLD
from rituals.errors import HavenError
from rituals.scheduling import WEEKDAYS, cron_trigger
from storage.models import Member, Ritual, Team, Workspace
from storage.occurrences import rituals_of_team
from storage.teams import find_team, get_or_create_workspace, list_teams

Platform = Literal["slack", "teams", "console"]
RitualKind = Literal["checkin", "failure_celebration", "anonymous_feedback", "safety_pulse"]
UserId = Annotated[str, Field(min_length=1, max_length=128)]
Location = tuple[int | str, ...]
Action = Literal["created", "updated", "paused", "resumed"]

DEFAULT_WORKING_DAYS = ("mon", "tue", "wed", "thu", "fri")
DEFAULT_WORKSPACE = {"slack": "default", "teams": "default", "console": "local"}
CRON_RANGES = {"minute": "0–59", "hour": "0–23", "day": "1–31", "month": "1–12"}
OUT_OF_RANGE = re.compile(r"value \((\d+)\) is (?:higher|lower) than the")
EXPORT_HEADER = "# Haven teams and rituals. Apply with: haven config apply FILE\n"


class ConfigError(HavenError):
    """A config file Haven cannot apply: one line per problem, each naming the file."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__("\n".join(f"{source}: {problem}" for problem in self.problems))


# --- checks of single values -------------------------------------------------------------------


def cron_problem(expression: str) -> str | None:
    """Return why a five-field cron expression is unusable, or None when it is fine."""
    try:
        cron_trigger(expression, "UTC")  # the time zone cannot make an expression invalid
    except ValueError as error:
        return f"{expression!r} is not a valid cron expression ({_cron_reason(expression, error)})"
    return None


def _cron_reason(expression: str, error: ValueError) -> str:
    fields = expression.split()
    if len(fields) != 5:
        return f"it has {len(fields)} fields instead of 5: minute hour day month day-of-week"
    # The day of the week follows crontab's rules in cron_trigger, so its own message says it best.
    for name, value in zip(CRON_RANGES, fields[:4], strict=True):
        try:
            CronTrigger(**{name: value}, timezone="UTC")
        except ValueError as field_error:
            out_of_range = OUT_OF_RANGE.search(str(field_error))
            if out_of_range:
                return f"{name} {out_of_range.group(1)} is out of range {CRON_RANGES[name]}"
            return f"{name} {value!r}: {field_error}"
    return str(error)


def _first_repeat(values: Sequence[Hashable]) -> Hashable | None:
    seen: set[Hashable] = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    return None


# --- the file's shape -------------------------------------------------------------------------


class ConfigSection(BaseModel):
    """A part of the file: unknown keys and loosely typed values are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class ThresholdsConfig(ConfigSection):
    """The anonymity thresholds k for numbers and for texts; never below the minimum."""

    numbers: int = Field(default=DEFAULT_NUMBERS, ge=MINIMUM_THRESHOLD)
    texts: int = Field(default=DEFAULT_TEXTS, ge=MINIMUM_THRESHOLD)


class RitualConfig(ConfigSection):
    """One ritual of a team; `name` tells two rituals of the same kind apart."""

    kind: RitualKind
    name: str | None = Field(default=None, min_length=1, max_length=100)
    schedule: str = Field(max_length=100)
    mode: Literal["shared", "private"] | None = None
    question: str | None = Field(default=None, max_length=1000)
    window_minutes: int | None = Field(default=None, ge=5)
    paused: bool = False

    @field_validator("schedule")
    @classmethod
    def _usable_cron(cls, schedule: str) -> str:
        problem = cron_problem(schedule)
        if problem:
            raise ValueError(problem)
        return " ".join(schedule.split())

    @field_validator("mode")
    @classmethod
    def _mode_only_for_checkin(cls, mode: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if mode is not None and kind not in (None, "checkin"):
            raise ValueError(f"only a checkin has a mode; remove it from this {kind}")
        return mode

    @property
    def key(self) -> str:
        """Return the ritual's name within its team: its name, or its kind when unnamed."""
        return self.name or self.kind


class TeamConfig(ConfigSection):
    """One team: its channel, time zone, working days, people, thresholds and rituals."""

    name: str = Field(min_length=1, max_length=200)
    platform: Platform
    workspace: str | None = Field(default=None, min_length=1, max_length=128)
    channel: str = Field(min_length=1, max_length=200)
    timezone: str = "UTC"
    working_days: list[str] = Field(default_factory=lambda: list(DEFAULT_WORKING_DAYS))
    leaders: list[UserId] = Field(default_factory=list)
    members: list[UserId] | None = None  # None: everyone in the channel
    anonymity_threshold: ThresholdsConfig = Field(default_factory=ThresholdsConfig)
    rituals: list[RitualConfig] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, timezone: str) -> str:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(
                f"{timezone!r} is not a known IANA time zone (for example 'Europe/Berlin')"
            ) from None
        return timezone

    @field_validator("working_days")
    @classmethod
    def _weekdays(cls, days: list[str]) -> list[str]:
        days = [day.casefold() for day in days]
        unknown = [day for day in days if day not in WEEKDAYS]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not a day; use {', '.join(WEEKDAYS)}")
        if not days:
            raise ValueError("name at least one working day")
        repeated = _first_repeat(days)
        if repeated:
            raise ValueError(f"{repeated!r} is listed twice")
        return sorted(days, key=WEEKDAYS.index)

    @field_validator("leaders", "members")
    @classmethod
    def _listed_once(cls, user_ids: list[str] | None) -> list[str] | None:
        repeated = _first_repeat(user_ids or [])
        if repeated:
            raise ValueError(f"{repeated!r} is listed twice")
        return user_ids

    @field_validator("anonymity_threshold", mode="before")
    @classmethod
    def _one_threshold_for_both(cls, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int | dict):
            raise ValueError(
                "should be a number, or a mapping like {numbers: 3, texts: 5}, "
                f"not {_shown(value)}"
            )
        if isinstance(value, int) and value < MINIMUM_THRESHOLD:
            raise ValueError(f"{value} is below the minimum of {MINIMUM_THRESHOLD}")
        return {"numbers": value, "texts": value} if isinstance(value, int) else value

    @property
    def workspace_id(self) -> str:
        """Return the Slack team id / Teams tenant id, or the platform's default workspace."""
        return self.workspace or DEFAULT_WORKSPACE[self.platform]


class TeamsConfig(ConfigSection):
    """A whole config file: every team Haven runs rituals for."""

    teams: list[TeamConfig]
    _source: str = PrivateAttr(default="<config>")

    @property
    def source(self) -> str:
        """Return the name of the file the config came from."""
        return self._source


# --- reading a file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, at a location such as ('teams', 0, 'rituals', 1, 'mode')."""

    location: Location
    message: str


def load_config(path: Path) -> TeamsConfig:
    """Read and validate a config file, raising ConfigError with every problem found."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(str(path), ["cannot read the file: it is not UTF-8 text"]) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise ConfigError(str(path), [f"cannot read the file: {reason}"]) from None
    return parse_config(text, source=str(path))


def parse_config(text: str, *, source: str) -> TeamsConfig:
    """Validate a config file's text, raising ConfigError with every problem found."""
    document = _read_yaml(text, source=source)
    if document is None:
        raise ConfigError(source, ["the file is empty; it should hold a 'teams:' list"])
    if not isinstance(document, dict):
        raise ConfigError(
            source,
            [f"the top level should be a mapping with a 'teams:' list, not {_shown(document)}"],
        )
    config, problems = _validated(document)
    problems += _repeat_problems(document.get("teams"))
    if config is None or problems:
        raise ConfigError(source, _described(problems, teams=document.get("teams")))
    config._source = source
    return config


def _validated(document: dict[Any, Any]) -> tuple[TeamsConfig | None, list[Problem]]:
    try:
        return TeamsConfig.model_validate(document), []
    except ValidationError as error:
        return None, [_problem(detail) for detail in error.errors()]


def _problem(detail: ErrorDetails) -> Problem:
    location = tuple(detail["loc"])
    if detail["type"] == "invalid_key":  # the location ends with the bad key itself
        return Problem(location[:-1], f"the key {_shown(detail['input'])} should be text")
    return Problem(location, _explained(detail))


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key given twice in one mapping."""


def _construct_unique_mapping(
    loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, Hashable):
            continue  # the safe loader itself refuses such a key
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def _read_yaml(text: str, *, source: str) -> object:
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as error:
        raise ConfigError(source, [_yaml_problem(error)]) from None


def _yaml_problem(error: yaml.YAMLError) -> str:
    if not isinstance(error, yaml.MarkedYAMLError):
        return f"invalid YAML: {error}"
    mark = error.problem_mark or error.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    reason = error.problem or error.context or "unreadable"
    if error.problem and error.context and error.context_mark:
        reason += f" ({error.context} from line {error.context_mark.line + 1})"
    if "alias" in reason:
        reason += "; quote a schedule that starts with '*', e.g. \"*/30 9 * * mon\""
    return f"{where}invalid YAML: {reason}"


def _explained(detail: ErrorDetails) -> str:
    kind, value, context = detail["type"], detail["input"], detail.get("ctx", {})
    if kind == "missing":
        return "missing (this key is required)"
    if kind == "extra_forbidden":
        return _unknown_key(detail["loc"])
    if kind == "value_error":
        return str(context["error"])
    if kind == "literal_error":
        return f"{_shown(value)} is not allowed; use {context['expected']}"
    if kind == "greater_than_equal":
        return f"{_shown(value)} is below the minimum of {context['ge']}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long ({len(value)} characters; at most {context['max_length']})"
    if kind in ("model_type", "dict_type"):
        return f"should be a mapping of keys, not {_shown(value)}"
    return f"{detail['msg'].replace('Input should', 'should')}, not {_shown(value)}"


def _unknown_key(location: Location) -> str:
    section = _section_at(location[:-1])
    known = list(section.model_fields) if section else []
    guesses = difflib.get_close_matches(str(location[-1]), known, n=1)
    if guesses:
        return f"unknown key (did you mean {guesses[0]!r}?)"
    return f"unknown key; known keys are {', '.join(known)}"


def _section_at(location: Location) -> type[BaseModel] | None:
    section: type[BaseModel] | None = TeamsConfig
    for part in location:
        if isinstance(part, int) or section is None:
            continue
        found = section.model_fields.get(part)
        section = _section_in(found.annotation) if found else None
    return section


def _section_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next(filter(None, (_section_in(arg) for arg in get_args(annotation))), None)


def _repeat_problems(teams: object) -> list[Problem]:
    """Find team names, channels and ritual names used twice; works on unvalidated data too."""
    if not isinstance(teams, list):
        return []
    entries = [team if isinstance(team, dict) else {} for team in teams]
    problems = []
    names = [_casefolded(_text(team.get("name"))) for team in entries]
    for position, first in _repeats(names):
        problems.append(
            Problem(
                ("teams", position, "name"),
                f"{_text(entries[position].get('name'))!r} is also the name of teams[{first + 1}] "
                "(names are compared ignoring case)",
            )
        )
    for position, first in _repeats([_channel_key(team) for team in entries]):
        channel = _text(entries[position].get("channel"))
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
    keys = [_text(ritual.get("name")) or _text(ritual.get("kind")) for ritual in entries]
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
    platform, channel = _text(team.get("platform")), _text(team.get("channel"))
    if platform is None or channel is None:
        return None
    return platform, _text(team.get("workspace")) or DEFAULT_WORKSPACE.get(platform, ""), channel


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _casefolded(value: str | None) -> str | None:
    return value.casefold() if value else None


def _described(problems: list[Problem], *, teams: object) -> list[str]:
    ordered = sorted(problems, key=lambda problem: _team_position(problem.location))
    return [_described_one(problem, teams=teams) for problem in ordered]


def _described_one(problem: Problem, *, teams: object) -> str:
    location = problem.location
    position = _team_position(location)
    if position < 0:
        return f"{_path(location)}: {problem.message}" if location else problem.message
    team = teams[position] if isinstance(teams, list) and position < len(teams) else None
    name = _text(team.get("name")) if isinstance(team, dict) else None
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


def _shown(value: object) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- applying ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One thing apply changed, e.g. a created team or a paused ritual."""

    action: Action
    subject: str  # e.g. "ritual 'checkin' of team 'Platform'"
    details: tuple[str, ...] = ()

    @property
    def line(self) -> str:
        """Return the change as one line for a person."""
        details = f": {'; '.join(self.details)}" if self.details else ""
        return f"{self.action} {self.subject}{details}"


@dataclass
class ApplyReport:
    """What applying a config changed, in file order."""

    changes: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Return whether anything changed."""
        return bool(self.changes)

    @property
    def lines(self) -> list[str]:
        """Return one line per change, or 'No changes.'."""
        return [change.line for change in self.changes] or ["No changes."]

    def record(self, action: Action, subject: str, *details: str) -> None:
        """Add a change to the report."""
        self.changes.append(Change(action=action, subject=subject, details=details))

    def __str__(self) -> str:
        return "\n".join(self.lines)


def apply_config(*, session: Session, config: TeamsConfig) -> ApplyReport:
    """Make the database match the config in the session's transaction; the caller commits.

    Everything is checked before anything is written, so a ConfigError leaves the session clean.
    """
    teams = [team.model_dump() for team in config.teams]
    problems = _repeat_problems(teams) + _kind_change_problems(session=session, config=config)
    if problems:
        raise ConfigError(config.source, _described(problems, teams=teams))
    report = ApplyReport()
    applied_team_ids = set()
    for team_config in config.teams:
        team = _apply_team(session=session, team_config=team_config, report=report)
        _apply_members(session=session, team=team, team_config=team_config, report=report)
        _apply_rituals(session=session, team=team, team_config=team_config, report=report)
        applied_team_ids.add(team.id)
    for team in list_teams(session=session):
        if team.id not in applied_team_ids:
            _pause_rituals_of_dropped_team(session=session, team=team, report=report)
    session.flush()
    return report


def _kind_change_problems(*, session: Session, config: TeamsConfig) -> list[Problem]:
    problems = []
    for team_position, team_config in enumerate(config.teams):
        team = find_team(session=session, name=team_config.name)
        if team is None:
            continue
        kinds = {ritual.name: ritual.kind for ritual in _rituals(session=session, team=team)}
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


def _apply_team(*, session: Session, team_config: TeamConfig, report: ApplyReport) -> Team:
    workspace = get_or_create_workspace(
        session=session, platform=team_config.platform, external_id=team_config.workspace_id
    )
    values = _team_values(team_config)
    team = find_team(session=session, name=team_config.name)
    if team is None:
        team = Team(workspace_id=workspace.id, **values)
        session.add(team)
        session.flush()
        where = f"{team_config.platform} channel {team.channel!r}"
        report.record("created", f"team {team.name!r}", where)
        return team
    details = _moved_workspace(session=session, team=team, workspace=workspace)
    details += _assigned(team, values)
    if details:
        report.record("updated", f"team {team.name!r}", *details)
    return team


def _team_values(team_config: TeamConfig) -> dict[str, object]:
    thresholds = team_config.anonymity_threshold
    return {
        "name": team_config.name,
        "channel": team_config.channel,
        "timezone": team_config.timezone,
        "working_days": ",".join(team_config.working_days),
        "threshold_numbers": thresholds.numbers,
        "threshold_texts": thresholds.texts,
        "members_from_channel": team_config.members is None,
    }


def _moved_workspace(*, session: Session, team: Team, workspace: Workspace) -> list[str]:
    if team.workspace_id == workspace.id:
        return []
    previous = session.get(Workspace, team.workspace_id)
    team.workspace_id = workspace.id  # type: ignore[assignment]
    return [f"workspace {_workspace_label(previous)} → {_workspace_label(workspace)}"]


def _workspace_label(workspace: Workspace | None) -> str:
    return f"{workspace.platform}/{workspace.external_id}" if workspace else "none"


def _assigned(record: SQLModel, values: Mapping[str, object]) -> list[str]:
    """Set the record's fields to the values; return 'field old → new' for each that changed."""
    changes = []
    for name, new in values.items():
        old = getattr(record, name)
        if old != new:
            changes.append(f"{name} {_shown(old)} → {_shown(new)}")
            setattr(record, name, new)
    return changes


def _apply_members(
    *, session: Session, team: Team, team_config: TeamConfig, report: ApplyReport
) -> None:
    existing = {
        member.platform_user_id: member
        for member in session.exec(select(Member).where(Member.team_id == team.id))
    }
    wanted = dict.fromkeys([*team_config.leaders, *(team_config.members or [])])
    for user_id in wanted:
        is_leader = user_id in team_config.leaders
        member = existing.get(user_id)
        subject = f"member {user_id!r} of team {team.name!r}"
        if member is None:
            session.add(Member(team_id=team.id, platform_user_id=user_id, is_leader=is_leader))  # type: ignore[arg-type]
            report.record("created", subject, *(["leader"] if is_leader else []))
            continue
        details = _assigned(member, {"active": True, "is_leader": is_leader})
        if details:
            report.record("updated", subject, *details)
    for user_id, member in existing.items():
        if user_id in wanted:
            continue
        values: dict[str, object] = {"is_leader": False}
        if team_config.members is not None:
            values["active"] = False  # kept, not deleted, so past answers keep their author
        details = _assigned(member, values)
        if details:
            report.record("updated", f"member {user_id!r} of team {team.name!r}", *details)


def _apply_rituals(
    *, session: Session, team: Team, team_config: TeamConfig, report: ApplyReport
) -> None:
    existing = {ritual.name: ritual for ritual in _rituals(session=session, team=team)}
    for ritual_config in team_config.rituals:
        subject = f"ritual {ritual_config.key!r} of team {team.name!r}"
        values = _ritual_values(ritual_config)
        ritual = existing.pop(ritual_config.key, None)
        if ritual is None:
            session.add(Ritual(team_id=team.id, name=ritual_config.key, **values))  # type: ignore[arg-type]
            created = f"{ritual_config.kind} at {ritual_config.schedule!r}"
            report.record("created", subject, created, *(["paused"] if values["paused"] else []))
            continue
        paused = values.pop("paused")
        details = _assigned(ritual, values)
        if details:
            report.record("updated", subject, *details)
        reason = "paused: true in the file" if paused else ""
        _set_paused(ritual, paused=bool(paused), subject=subject, reason=reason, report=report)
    for ritual in existing.values():
        subject = f"ritual {ritual.name!r} of team {team.name!r}"
        _set_paused(
            ritual, paused=True, subject=subject, reason="no longer in the file", report=report
        )


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


def _pause_rituals_of_dropped_team(*, session: Session, team: Team, report: ApplyReport) -> None:
    for ritual in _rituals(session=session, team=team):
        subject = f"ritual {ritual.name!r} of team {team.name!r}"
        reason = "the team is no longer in the file"
        _set_paused(ritual, paused=True, subject=subject, reason=reason, report=report)


def _rituals(*, session: Session, team: Team) -> Sequence[Ritual]:
    return rituals_of_team(session=session, team_id=team.id)  # type: ignore[arg-type]


# --- exporting --------------------------------------------------------------------------------


class _Quoted(str):
    """Text exported in double quotes, as people write cron schedules."""


class _ExportDumper(yaml.SafeDumper):
    """A safe YAML dumper that keeps _Quoted text in double quotes."""


_ExportDumper.add_representer(
    _Quoted, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
)


def export_config(*, session: Session) -> str:
    """Return every team and ritual as YAML that apply_config accepts unchanged."""
    teams = [_team_document(session=session, team=team) for team in list_teams(session=session)]
    body = yaml.dump(
        {"teams": teams},
        Dumper=_ExportDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=100,
    )
    return EXPORT_HEADER + body


def _team_document(*, session: Session, team: Team) -> dict[str, object]:
    workspace = session.get(Workspace, team.workspace_id)
    assert workspace is not None  # a foreign key
    members = session.exec(
        select(Member).where(Member.team_id == team.id, Member.active).order_by(Member.id)
    ).all()
    document: dict[str, object] = {"name": team.name, "platform": workspace.platform}
    if workspace.external_id != DEFAULT_WORKSPACE.get(workspace.platform):
        document["workspace"] = workspace.external_id
    document |= {
        "channel": team.channel,
        "timezone": team.timezone,
        "working_days": [day for day in team.working_days.split(",") if day],
        "leaders": [member.platform_user_id for member in members if member.is_leader],
    }
    if not team.members_from_channel:
        document["members"] = [m.platform_user_id for m in members if not m.is_leader]
    document["anonymity_threshold"] = _threshold_document(team)
    document["rituals"] = [
        _ritual_document(ritual) for ritual in _rituals(session=session, team=team)
    ]
    return document


def _threshold_document(team: Team) -> int | dict[str, int]:
    if team.threshold_numbers == team.threshold_texts:
        return team.threshold_numbers
    return {"numbers": team.threshold_numbers, "texts": team.threshold_texts}


def _ritual_document(ritual: Ritual) -> dict[str, object]:
    document: dict[str, object] = {"kind": ritual.kind}
    if ritual.name != ritual.kind:
        document["name"] = ritual.name
    document["schedule"] = _Quoted(ritual.schedule)
    if ritual.kind == "checkin":
        document["mode"] = ritual.mode
    if ritual.question:
        document["question"] = ritual.question
    if ritual.window_minutes:
        document["window_minutes"] = ritual.window_minutes
    if ritual.paused:
        document["paused"] = True
    return document
