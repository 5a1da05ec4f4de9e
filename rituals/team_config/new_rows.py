"""Members, rituals and admins a config adds, inserted in one statement per table."""

from dataclasses import dataclass, field

from sqlalchemy import insert
from sqlmodel import Session, col, select

from storage.models import HavenAdmin, Member, Ritual, Team


@dataclass
class NewRows:
    """Rows to insert: building them as dicts, not ORM objects, keeps 10,000 teams fast."""

    teams: list[Team] = field(default_factory=list)  # not in the session: inserted as rows
    members: list[dict[str, object]] = field(default_factory=list)
    rituals: list[dict[str, object]] = field(default_factory=list)
    admins: list[dict[str, object]] = field(default_factory=list)

    def insert_teams(self, *, session: Session) -> None:
        """Insert the new teams in one statement, then give each its id (one query)."""
        if not self.teams:
            return
        session.execute(insert(Team), [team.model_dump(exclude={"id"}) for team in self.teams])
        names = [team.name for team in self.teams]
        ids = {
            name: team_id
            for start in range(0, len(names), 5000)  # below every database's parameter limit
            for name, team_id in session.exec(
                select(Team.name, Team.id).where(col(Team.name).in_(names[start : start + 5000]))
            )
        }
        for team in self.teams:
            team.id = ids[team.name]

    def insert(self, *, session: Session) -> None:
        """Insert every row, one executemany statement per table."""
        for model, rows in (
            (Member, self.members),
            (Ritual, self.rituals),
            (HavenAdmin, self.admins),
        ):
            if rows:
                session.execute(insert(model), rows)
