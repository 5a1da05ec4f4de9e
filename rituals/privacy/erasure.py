"""Erase one person: profile, named answers, stories, conversation references and relay seals."""

from dataclasses import dataclass

from sqlmodel import Session

from rituals.privacy.relay_seals import void_seals_of
from storage.person_rows import PersonRows, delete_person_rows

LABELS = {
    "members": "team memberships (profile)",
    "answers": "named answers",
    "stories": "stories shared by name",
    "commitments": "leader commitments",
    "deliveries": "digest deliveries",
    "leader_profiles": "leader time zones",
    "admin_grants": "Haven admin grants",
    "slack_profiles": "cached Slack profiles",
    "teams_conversations": "Teams conversation references",
    "teams_rosters": "Teams roster entries",
}
KEPT = (
    "Kept: weekly team figures already computed (they no longer change), and anonymous answers, "
    "which were never linked to anyone."
)


@dataclass(frozen=True)
class ErasureReport:
    """What forgetting a person removed (or, in a dry run, would remove)."""

    user_id: str
    removed: dict[str, int]
    relay_seals: int | None  # None: no relay key, so no seal can be opened by anyone
    dry_run: bool

    def lines(self) -> list[str]:
        """Return the report in plain words, one line per kind of row."""
        verb = "Would remove" if self.dry_run else "Removed"
        lines = [f"{verb} for {self.user_id}:"]
        lines += [f"  {count:>4}  {LABELS[kind]}" for kind, count in self.removed.items()]
        if self.relay_seals is None:
            lines.append("     -  relay seals (HAVEN_RELAY_KEY unset: no seal can be opened)")
        else:
            lines.append(f"  {self.relay_seals:>4}  relay seals of anonymous answers")
        return [*lines, KEPT]

    @property
    def nothing(self) -> bool:
        """Return whether there was nothing to remove."""
        return not any(self.removed.values()) and not self.relay_seals


def forget_person(
    *, session: Session, rows: PersonRows, relay_key: bytes | None, dry_run: bool = False
) -> ErasureReport:
    """Delete the person's rows and void their relay seals; commit unless it is a dry run."""
    seals = None
    if relay_key is not None:
        seals = void_seals_of(
            session=session, key=relay_key, user_ids=[rows.user_id], dry_run=dry_run
        )
    report = ErasureReport(
        user_id=rows.user_id, removed=rows.counts(), relay_seals=seals, dry_run=dry_run
    )
    if dry_run:
        session.rollback()
        return report
    delete_person_rows(session=session, rows=rows)
    session.commit()
    return report
