"""What applying a config changed, one line per change."""

from dataclasses import dataclass, field
from typing import Literal

Action = Literal["created", "updated", "paused", "resumed"]


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
    warnings: list[str] = field(default_factory=list)  # what applies but will not work as hoped

    @classmethod
    def joined(cls, reports: "list[ApplyReport]") -> "ApplyReport":
        """Return one report holding the reports' changes and warnings, in order."""
        return cls(
            changes=[change for report in reports for change in report.changes],
            warnings=[warning for report in reports for warning in report.warnings],
        )

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

    def warn(self, warning: str) -> None:
        """Add a one-line warning to the report."""
        self.warnings.append(warning)

    def __str__(self) -> str:
        return "\n".join(self.lines)
