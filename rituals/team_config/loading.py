"""A config file read and validated, or a ConfigError listing every problem found."""

from pathlib import Path

from rituals.team_config.problems import ConfigError, described
from rituals.team_config.reading import read_yaml
from rituals.team_config.repeats import repeat_problems
from rituals.team_config.schema import TeamsConfig
from rituals.team_config.shown import shown
from rituals.team_config.validation_problems import validated


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
    document = read_yaml(text, source=source)
    if document is None:
        raise ConfigError(source, ["the file is empty; it should hold a 'teams:' list"])
    if not isinstance(document, dict):
        raise ConfigError(
            source,
            [f"the top level should be a mapping with a 'teams:' list, not {shown(document)}"],
        )
    config, problems = validated(document)
    problems += repeat_problems(document.get("teams"))
    if config is None or problems:
        raise ConfigError(source, described(problems, teams=document.get("teams")))
    config._source = source
    return config
