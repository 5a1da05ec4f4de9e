"""Database fields set from the config, saying what changed."""

from collections.abc import Mapping

from sqlmodel import SQLModel

from rituals.team_config.shown import shown


def assigned(record: SQLModel, values: Mapping[str, object]) -> list[str]:
    """Set the record's fields to the values; return 'field old → new' for each that changed."""
    changes = []
    for name, new in values.items():
        old = getattr(record, name)
        if old != new:
            changes.append(f"{name} {shown(old)} → {shown(new)}")
            setattr(record, name, new)
    return changes
