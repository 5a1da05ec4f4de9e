"""Config as code: validating, applying and exporting the YAML file of teams and rituals."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from rituals.team_config import (
    ApplyReport,
    ConfigError,
    Platform,
    RitualKind,
    TeamConfig,
    TeamsConfig,
    apply_config,
    export_config,
    load_config,
    parse_config,
)
from storage.db import get_engine, session_scope
from storage.migrate import upgrade
from storage.models import PLATFORMS, RITUAL_KINDS, Member, Occurrence, Ritual, Team, Workspace

EXAMPLE = """\
teams:
  - name: Platform
    platform: slack              # slack | teams | console
    channel: C0123456789         # Slack channel id, Teams conversation id, or a console room name
    timezone: Europe/Berlin
    working_days: [mon, tue, wed, thu, fri]
    leaders: [U0LEAD]            # platform user ids
    members: [U01, U02, U03]     # optional; default: everyone in the channel
    anonymity_threshold: 5
    rituals:
      - {kind: checkin, schedule: "55 9 * * mon", mode: shared}
      - {kind: failure_celebration, schedule: "0 15 * * fri"}
      - {kind: anonymous_feedback, schedule: "0 10 1 * *", question: "What makes it hard to speak up here?"}
      - {kind: safety_pulse, schedule: "0 11 * * wed"}
"""


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """Return an engine on a fresh, migrated SQLite file."""
    url = f"sqlite:///{tmp_path / 'haven.db'}"
    upgrade(url)
    engine = get_engine(url)
    yield engine
    engine.dispose()


def apply_text(engine: Engine, text: str) -> ApplyReport:
    """Parse a config text as teams.yml and apply it in one transaction."""
    config = parse_config(text, source="teams.yml")
    with session_scope(engine) as session:
        return apply_config(session=session, config=config)


def apply_document(engine: Engine, document: dict[str, Any]) -> ApplyReport:
    """Apply a config given as Python data."""
    return apply_text(engine, yaml.safe_dump(document, sort_keys=False))


def team(**overrides: Any) -> dict[str, Any]:
    """Return the example team as Python data, with some keys replaced (None removes a key)."""
    document = yaml.safe_load(EXAMPLE)["teams"][0] | overrides
    return {key: value for key, value in document.items() if value is not None}


def snapshot(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Return every row of the tables the config writes."""
    tables: list[type[SQLModel]] = [Workspace, Team, Member, Ritual, Occurrence]
    with Session(engine) as session:
        return {
            table.__name__: [row.model_dump() for row in session.exec(select(table))]
            for table in tables
        }


def rows(engine: Engine, table: type[SQLModel]) -> list[Any]:
    """Return every row of one table."""
    with Session(engine) as session:
        return list(session.exec(select(table)).all())


def rituals_by_name(engine: Engine) -> dict[str, Ritual]:
    """Return the rituals by name."""
    return {ritual.name: ritual for ritual in rows(engine, Ritual)}


def members_by_id(engine: Engine) -> dict[str, Member]:
    """Return the members by platform user id."""
    return {member.platform_user_id: member for member in rows(engine, Member)}


def problems_of(text: str) -> list[str]:
    """Return the lines of the ConfigError that parsing the text raises."""
    with pytest.raises(ConfigError) as raised:
        parse_config(text, source="teams.yml")
    return str(raised.value).splitlines()


# --- applying -----------------------------------------------------------------------------------


def test_the_example_applies(engine: Engine) -> None:
    report = apply_text(engine, EXAMPLE)

    assert report.changed
    assert "created team 'Platform': slack channel 'C0123456789'" in report.lines
    [saved] = rows(engine, Team)
    assert (saved.name, saved.channel, saved.timezone) == (
        "Platform",
        "C0123456789",
        "Europe/Berlin",
    )
    assert saved.working_days == "mon,tue,wed,thu,fri"
    assert (saved.threshold_numbers, saved.threshold_texts) == (5, 5)
    assert saved.members_from_channel is False
    [workspace] = rows(engine, Workspace)
    assert (workspace.platform, workspace.external_id) == ("slack", "default")
    rituals = rituals_by_name(engine)
    assert set(rituals) == {"checkin", "failure_celebration", "anonymous_feedback", "safety_pulse"}
    assert rituals["checkin"].schedule == "55 9 * * mon"
    assert rituals["checkin"].mode == "shared"
    assert rituals["anonymous_feedback"].question == "What makes it hard to speak up here?"
    assert not any(ritual.paused for ritual in rituals.values())
    members = members_by_id(engine)
    assert set(members) == {"U0LEAD", "U01", "U02", "U03"}
    assert all(member.active for member in members.values())
    assert [m for m in members if members[m].is_leader] == ["U0LEAD"]


def test_applying_twice_changes_nothing(engine: Engine) -> None:
    apply_text(engine, EXAMPLE)
    before = snapshot(engine)

    report = apply_text(engine, EXAMPLE)

    assert not report.changed
    assert str(report) == "No changes."
    assert snapshot(engine) == before


def test_a_removed_ritual_is_paused_not_deleted_and_resumed_when_it_returns(
    engine: Engine,
) -> None:
    apply_text(engine, EXAMPLE)
    pulse = rituals_by_name(engine)["safety_pulse"]
    with session_scope(engine) as session:
        session.add(
            Occurrence(
                ritual_id=pulse.id,
                scheduled_at=datetime(2026, 11, 25, 10, tzinfo=UTC),
                closes_at=datetime(2026, 11, 27, 10, tzinfo=UTC),
                iso_week="2026-W48",
            )
        )
    without_pulse = team(rituals=team()["rituals"][:3])

    report = apply_document(engine, {"teams": [without_pulse]})

    assert report.lines == [
        "paused ritual 'safety_pulse' of team 'Platform': no longer in the file"
    ]
    assert rituals_by_name(engine)["safety_pulse"].paused
    assert len(rows(engine, Occurrence)) == 1  # history stays

    report = apply_text(engine, EXAMPLE)

    assert report.lines == ["resumed ritual 'safety_pulse' of team 'Platform'"]
    assert not rituals_by_name(engine)["safety_pulse"].paused


def test_a_team_removed_from_the_file_has_all_its_rituals_paused(engine: Engine) -> None:
    other = team(name="Data", channel="C0DATA", members=None)
    apply_document(engine, {"teams": [team(), other]})

    report = apply_document(engine, {"teams": [team()]})

    assert len(report.lines) == 4
    assert all("of team 'Data': the team is no longer in the file" in line for line in report.lines)
    data = next(t for t in rows(engine, Team) if t.name == "Data")
    paused = {ritual.paused for ritual in rows(engine, Ritual) if ritual.team_id == data.id}
    assert paused == {True}
    assert not apply_document(engine, {"teams": [team()]}).changed


def test_paused_true_in_the_file_pauses_the_ritual(engine: Engine) -> None:
    apply_text(engine, EXAMPLE)
    rituals = team()["rituals"]
    rituals[1]["paused"] = True

    report = apply_document(engine, {"teams": [team(rituals=rituals)]})

    assert report.lines == [
        "paused ritual 'failure_celebration' of team 'Platform': paused: true in the file"
    ]
    assert rituals_by_name(engine)["failure_celebration"].paused


def test_a_new_ritual_can_start_paused(engine: Engine) -> None:
    rituals = [{"kind": "safety_pulse", "schedule": "0 11 * * wed", "paused": True}]

    report = apply_document(engine, {"teams": [team(rituals=rituals)]})

    assert (
        "created ritual 'safety_pulse' of team 'Platform': safety_pulse at '0 11 * * wed'; paused"
        in (report.lines)
    )
    assert rituals_by_name(engine)["safety_pulse"].paused


def test_a_changed_schedule_updates_the_ritual(engine: Engine) -> None:
    apply_text(engine, EXAMPLE)
    rituals = team()["rituals"]
    rituals[0] |= {"schedule": "0  10 * * tue", "mode": "private"}

    report = apply_document(engine, {"teams": [team(rituals=rituals)]})

    assert report.lines == [
        "updated ritual 'checkin' of team 'Platform': "
        "schedule '55 9 * * mon' → '0 10 * * tue'; mode 'shared' → 'private'"
    ]


def test_a_schedule_may_name_weekdays_by_crontab_number(engine: Engine) -> None:
    rituals = [{"kind": "checkin", "schedule": "55  9 * * 1-5"}]

    apply_document(engine, {"teams": [team(rituals=rituals)]})

    assert rituals_by_name(engine)["checkin"].schedule == "55 9 * * 1-5"


def test_two_rituals_of_one_kind_are_told_apart_by_name(engine: Engine) -> None:
    rituals = [
        {"kind": "checkin", "schedule": "55 9 * * mon"},
        {"kind": "checkin", "name": "retro checkin", "schedule": "0 16 * * fri", "mode": "private"},
    ]

    apply_document(engine, {"teams": [team(rituals=rituals)]})

    saved = rituals_by_name(engine)
    assert set(saved) == {"checkin", "retro checkin"}
    assert saved["retro checkin"].mode == "private"


def test_a_team_is_found_by_name_ignoring_case_and_renamed(engine: Engine) -> None:
    apply_text(engine, EXAMPLE)

    report = apply_document(engine, {"teams": [team(name="PLATFORM")]})

    assert report.lines == ["updated team 'PLATFORM': name 'Platform' → 'PLATFORM'"]
    assert [t.name for t in rows(engine, Team)] == ["PLATFORM"]


def test_team_settings_follow_the_file(engine: Engine) -> None:
    apply_text(engine, EXAMPLE)

    report = apply_document(
        engine, {"teams": [team(timezone="America/New_York", working_days=["fri", "mon"])]}
    )

    assert report.lines == [
        "updated team 'Platform': timezone 'Europe/Berlin' → 'America/New_York'; "
        "working_days 'mon,tue,wed,thu,fri' → 'mon,fri'"
    ]


def test_defaults_for_optional_team_keys(engine: Engine) -> None:
    minimal = {"name": "Ops", "platform": "console", "channel": "ops-room"}

    apply_document(engine, {"teams": [minimal]})

    [saved] = rows(engine, Team)
    assert (saved.timezone, saved.working_days) == ("UTC", "mon,tue,wed,thu,fri")
    assert (saved.threshold_numbers, saved.threshold_texts) == (3, 5)
    assert saved.members_from_channel is True
    [workspace] = rows(engine, Workspace)
    assert (workspace.platform, workspace.external_id) == ("console", "local")


def test_the_workspace_key_names_the_slack_team_or_teams_tenant(engine: Engine) -> None:
    apply_document(engine, {"teams": [team(platform="teams", workspace="tenant-1")]})

    [workspace] = rows(engine, Workspace)
    assert (workspace.platform, workspace.external_id) == ("teams", "tenant-1")


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [(4, (4, 4)), ({"numbers": 3, "texts": 7}, (3, 7)), ({"texts": 6}, (3, 6))],
)
def test_the_anonymity_threshold_in_both_forms(
    engine: Engine, threshold: object, expected: tuple[int, int]
) -> None:
    apply_document(engine, {"teams": [team(anonymity_threshold=threshold)]})

    [saved] = rows(engine, Team)
    assert (saved.threshold_numbers, saved.threshold_texts) == expected


# --- members and leaders ------------------------------------------------------------------------


def test_members_left_out_of_the_list_become_inactive_and_come_back(engine: Engine) -> None:
    apply_text(engine, EXAMPLE)

    report = apply_document(engine, {"teams": [team(members=["U01", "U02"])]})

    assert report.lines == ["updated member 'U03' of team 'Platform': active true → false"]
    assert members_by_id(engine)["U03"].active is False  # kept, not deleted
    report = apply_text(engine, EXAMPLE)
    assert report.lines == ["updated member 'U03' of team 'Platform': active false → true"]


def test_without_a_member_list_the_channel_defines_the_team(engine: Engine) -> None:
    apply_text(engine, EXAMPLE)

    report = apply_document(engine, {"teams": [team(members=None)]})

    assert report.lines == ["updated team 'Platform': members_from_channel false → true"]
    assert all(member.active for member in members_by_id(engine).values())


def test_leaders_become_active_members_and_former_leaders_lose_the_role(engine: Engine) -> None:
    apply_document(engine, {"teams": [team(members=None)]})

    report = apply_document(engine, {"teams": [team(members=None, leaders=["U0NEW"])]})

    assert report.lines == [
        "created member 'U0NEW' of team 'Platform': leader",
        "updated member 'U0LEAD' of team 'Platform': is_leader true → false",
    ]
    members = members_by_id(engine)
    assert members["U0NEW"].is_leader and members["U0NEW"].active
    assert not members["U0LEAD"].is_leader
    assert members["U0LEAD"].active  # the channel still defines the team


def test_a_listed_member_can_be_promoted_to_leader(engine: Engine) -> None:
    apply_text(engine, EXAMPLE)

    report = apply_document(engine, {"teams": [team(leaders=["U0LEAD", "U01"])]})

    assert report.lines == ["updated member 'U01' of team 'Platform': is_leader false → true"]


# --- rejected files -----------------------------------------------------------------------------


def ritual_list(**changes: Any) -> list[dict[str, Any]]:
    """Return the example rituals with the first one changed."""
    rituals = team()["rituals"]
    rituals[0] = rituals[0] | changes
    return rituals


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"rituals": ritual_list(schedule="61 9 * * mon")},
            "rituals[1].schedule: '61 9 * * mon' is not a valid cron expression "
            "(minute 61 is out of range 0–59)",
        ),
        ({"rituals": ritual_list(schedule="0 9 * *")}, "rituals[1].schedule: '0 9 * *'"),
        (
            {"rituals": ritual_list(schedule="0 9 * * funday")},
            "rituals[1].schedule: '0 9 * * funday' is not a valid cron expression",
        ),
        (
            {"rituals": ritual_list(schedule="0 25 * * mon")},
            "rituals[1].schedule: '0 25 * * mon' is not a valid cron expression "
            "(hour 25 is out of range 0–23)",
        ),
        ({"rituals": ritual_list(shedule="0 9 * * mon")}, "rituals[1].shedule: unknown key"),
        ({"channel_id": "C1"}, "channel_id: unknown key"),
        ({"timezone": "Mars/Olympus"}, "timezone: 'Mars/Olympus' is not a known IANA time zone"),
        ({"anonymity_threshold": 2}, "anonymity_threshold: 2 is below the minimum of 3"),
        ({"anonymity_threshold": {"numbers": 2}}, "anonymity_threshold.numbers: 2 is below"),
        ({"anonymity_threshold": {"texts": 1}}, "anonymity_threshold.texts: 1 is below"),
        ({"working_days": ["mon", "funday"]}, "working_days: 'funday' is not a day"),
        ({"working_days": ["mon", "mon"]}, "working_days: 'mon' is listed twice"),
        ({"working_days": []}, "working_days: name at least one working day"),
        ({"platform": "irc"}, "platform: 'irc' is not allowed"),
        ({"channel": None}, "channel: missing"),
        ({"members": ["U01", "U01"]}, "members: 'U01' is listed twice"),
        ({"rituals": ritual_list(kind="standup")}, "rituals[1].kind: 'standup' is not allowed"),
        ({"rituals": ritual_list(mode="loud")}, "rituals[1].mode: 'loud' is not allowed"),
        ({"rituals": ritual_list(window_minutes=2)}, "rituals[1].window_minutes: 2 is below"),
        ({"rituals": ritual_list(question="?" * 1001)}, "rituals[1].question: is too long"),
        ({"rituals": ritual_list(paused="yes")}, "rituals[1].paused: should be a valid boolean"),
    ],
)
def test_invalid_values_are_rejected_naming_file_team_and_field(
    engine: Engine, overrides: dict[str, Any], expected: str
) -> None:
    apply_text(engine, EXAMPLE)
    before = snapshot(engine)
    text = yaml.safe_dump({"teams": [team(**overrides)]}, sort_keys=False)

    assert f"teams.yml: team 'Platform': {expected}" in "\n".join(problems_of(text))
    assert snapshot(engine) == before


def test_mode_is_only_for_a_checkin() -> None:
    rituals = [{"kind": "safety_pulse", "schedule": "0 11 * * wed", "mode": "private"}]
    text = yaml.safe_dump({"teams": [team(rituals=rituals)]})

    assert problems_of(text) == [
        "teams.yml: team 'Platform': rituals[1].mode: "
        "only a checkin has a mode; remove it from this safety_pulse"
    ]


def test_duplicate_team_names_are_rejected() -> None:
    text = yaml.safe_dump({"teams": [team(), team(name="platform", channel="C0OTHER")]})

    assert problems_of(text) == [
        "teams.yml: team 'platform': name: 'platform' is also the name of teams[1] "
        "(names are compared ignoring case)"
    ]


def test_two_teams_cannot_share_a_channel() -> None:
    text = yaml.safe_dump({"teams": [team(), team(name="Data")]})

    assert problems_of(text) == [
        "teams.yml: team 'Data': channel: 'C0123456789' is also the channel of teams[1]; "
        "a channel belongs to one team"
    ]


def test_two_rituals_of_one_kind_need_distinct_names() -> None:
    rituals = [
        {"kind": "checkin", "schedule": "55 9 * * mon"},
        {"kind": "checkin", "schedule": "0 16 * * fri"},
    ]
    text = yaml.safe_dump({"teams": [team(rituals=rituals)]})

    assert problems_of(text) == [
        "teams.yml: team 'Platform': rituals[2].name: 'checkin' is also the name of rituals[1]; "
        "rituals of the same kind need distinct names"
    ]


def test_every_problem_is_reported_one_per_line() -> None:
    bad_team = team(timezone="Nowhere", rituals=ritual_list(schedule="61 9 * * mon"))
    text = yaml.safe_dump({"teams": [bad_team, team(name="PLATFORM", channel="C2", platform="x")]})

    problems = problems_of(text)

    assert len(problems) == 4
    assert all(line.startswith("teams.yml: team '") for line in problems)
    assert any("'PLATFORM': name:" in line for line in problems)


def test_a_bad_second_team_writes_nothing_for_the_first(engine: Engine) -> None:
    text = yaml.safe_dump({"teams": [team(), team(name="Data", channel="C2", timezone="Nowhere")]})

    with pytest.raises(ConfigError, match="team 'Data': timezone"):
        apply_text(engine, text)

    assert rows(engine, Team) == []
    assert rows(engine, Workspace) == []


def test_a_ritual_cannot_change_kind_and_nothing_is_written(engine: Engine) -> None:
    rituals = [{"kind": "checkin", "name": "weekly", "schedule": "55 9 * * mon"}]
    apply_document(engine, {"teams": [team(rituals=rituals)]})
    before = snapshot(engine)
    changed = {"kind": "safety_pulse", "name": "weekly", "schedule": "0 11 * * wed"}
    text = yaml.safe_dump(
        {"teams": [team(timezone="UTC", rituals=[changed]), team(name="New", channel="C2")]}
    )

    with pytest.raises(ConfigError) as raised:
        apply_text(engine, text)

    assert str(raised.value) == (
        "teams.yml: team 'Platform': rituals[1].kind: the ritual 'weekly' is a checkin "
        "and cannot change kind; give this safety_pulse another name"
    )
    assert snapshot(engine) == before


def test_apply_checks_a_config_built_in_code(engine: Engine) -> None:
    duplicated = TeamConfig.model_validate(team())
    config = TeamsConfig(teams=[duplicated, duplicated])

    with (
        pytest.raises(ConfigError, match="'Platform' is also the name of teams"),
        Session(engine) as session,
    ):
        apply_config(session=session, config=config)

    assert rows(engine, Team) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "teams.yml: the file is empty; it should hold a 'teams:' list"),
        ("# nothing yet\n", "teams.yml: the file is empty; it should hold a 'teams:' list"),
        ("- Platform\n", "teams.yml: the top level should be a mapping with a 'teams:' list"),
        (
            "teams:\n  - name: Platform\n   platform: slack\n",
            "teams.yml: line 3, column 4: invalid YAML",
        ),
        (
            "teams:\n  - {name: A, name: B}\n",
            "teams.yml: line 2, column 15: invalid YAML: the key 'name' appears twice",
        ),
        ("teams: 5\n", "teams.yml: teams: should be a valid list, not 5"),
        ("teams: []\nadmins: [U1]\n", "teams.yml: admins: unknown key; known keys are teams"),
        ("tems: []\n", "teams.yml: tems: unknown key (did you mean 'teams'?)"),
        (
            "teams:\n  - {name: A, platform: slack, channel: C, rituals: [{kind: checkin, schedule: * * * * *}]}\n",
            "quote a schedule that starts with '*'",
        ),
    ],
)
def test_unreadable_files_are_rejected(text: str, expected: str) -> None:
    assert expected in "\n".join(problems_of(text))


def test_load_config_names_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "teams.yml"

    with pytest.raises(ConfigError, match=r"teams\.yml: cannot read the file"):
        load_config(missing)


def test_load_config_rejects_text_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "teams.yml"
    path.write_bytes(b"teams: [\xff]\n")

    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path)


def test_load_config_reads_the_example(tmp_path: Path) -> None:
    path = tmp_path / "teams.yml"
    path.write_text(EXAMPLE, encoding="utf-8")

    config = load_config(path)

    assert config.source == str(path)
    assert [ritual.key for ritual in config.teams[0].rituals] == [
        "checkin",
        "failure_celebration",
        "anonymous_feedback",
        "safety_pulse",
    ]


def test_the_file_vocabulary_matches_the_schema() -> None:
    assert get_args(Platform) == PLATFORMS
    assert get_args(RitualKind) == RITUAL_KINDS


# --- exporting ----------------------------------------------------------------------------------


RICH = {
    "teams": [
        team(
            anonymity_threshold={"numbers": 4, "texts": 6},
            working_days=["mon", "wed"],
            rituals=[
                {"kind": "checkin", "schedule": "55 9 * * mon", "mode": "private"},
                {"kind": "checkin", "name": "friday checkin", "schedule": "0 16 * * fri"},
                {"kind": "anonymous_feedback", "schedule": "0 10 1 * *", "window_minutes": 600},
                {"kind": "safety_pulse", "schedule": "*/30 9 * * wed", "paused": True},
            ],
        ),
        {"name": "Ops", "platform": "console", "channel": "ops-room", "leaders": ["ULEA"]},
        team(name="Sales", platform="teams", workspace="tenant-1", channel="19:abc@thread.tacv2"),
    ]
}


def test_export_round_trips_through_apply(engine: Engine) -> None:
    apply_document(engine, RICH)
    before = snapshot(engine)
    with Session(engine) as session:
        exported = export_config(session=session)

    report = apply_text(engine, exported)

    assert str(report) == "No changes."
    assert snapshot(engine) == before


def test_export_has_the_shape_people_write(engine: Engine) -> None:
    apply_text(engine, EXAMPLE)
    with Session(engine) as session:
        exported = export_config(session=session)

    assert yaml.safe_load(exported) == {"teams": [team()]}
    assert 'schedule: "55 9 * * mon"' in exported


def test_export_keeps_paused_rituals_and_dropped_teams(engine: Engine) -> None:
    apply_document(engine, RICH)
    apply_document(engine, {"teams": RICH["teams"][:1]})
    with Session(engine) as session:
        exported = yaml.safe_load(export_config(session=session))

    ops = next(t for t in exported["teams"] if t["name"] == "Ops")
    assert ops["rituals"] == []
    sales = next(t for t in exported["teams"] if t["name"] == "Sales")
    assert all(ritual["paused"] for ritual in sales["rituals"])
    assert sales["workspace"] == "tenant-1"
    assert "members" not in ops


def test_an_empty_database_exports_an_empty_list_that_applies(engine: Engine) -> None:
    with Session(engine) as session:
        exported = export_config(session=session)

    assert yaml.safe_load(exported) == {"teams": []}
    assert not apply_text(engine, exported).changed
