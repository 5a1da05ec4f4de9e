"""Config as code: teams and rituals described in YAML, validated, applied and exported.

Problems name the file, the team and the field, e.g.
`teams.yml: team 'Platform': rituals[1].schedule: '61 9 * * mon' is not a valid cron expression
(minute 61 is out of range 0–59)`. List positions count from 1, as a person counts list items.
"""

from rituals.team_config.applying import apply_config
from rituals.team_config.cron import CRON_RANGES, OUT_OF_RANGE, cron_problem
from rituals.team_config.exporting import EXPORT_HEADER, export_config
from rituals.team_config.loading import load_config, parse_config
from rituals.team_config.problems import ConfigError, Location, Problem
from rituals.team_config.report import Action, ApplyReport, Change
from rituals.team_config.schema import (
    DEFAULT_WORKING_DAYS,
    DEFAULT_WORKSPACE,
    ConfigSection,
    Platform,
    RitualConfig,
    RitualKind,
    TeamConfig,
    TeamsConfig,
    ThresholdsConfig,
    UserId,
)

__all__ = [
    "CRON_RANGES",
    "DEFAULT_WORKING_DAYS",
    "DEFAULT_WORKSPACE",
    "EXPORT_HEADER",
    "OUT_OF_RANGE",
    "Action",
    "ApplyReport",
    "Change",
    "ConfigError",
    "ConfigSection",
    "Location",
    "Platform",
    "Problem",
    "RitualConfig",
    "RitualKind",
    "TeamConfig",
    "TeamsConfig",
    "ThresholdsConfig",
    "UserId",
    "apply_config",
    "cron_problem",
    "export_config",
    "load_config",
    "parse_config",
]
