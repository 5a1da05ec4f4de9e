"""Find the person a privacy request is about: by platform user id, or by team and name."""

from sqlmodel import Session

from rituals.errors import InvalidAnswer, NotFound
from storage.person_rows import PersonRows, members_named, person_rows


def find_person(
    *,
    session: Session,
    user_id: str | None = None,
    team: str | None = None,
    name: str | None = None,
) -> PersonRows:
    """Return the rows of one person, or raise NotFound / InvalidAnswer saying why not."""
    if user_id is None:
        if not (team and name):
            raise InvalidAnswer("Name a person by platform user id, or by team and display name.")
        found = members_named(session=session, team_name=team, display_name=name)
        if not found:
            raise NotFound(f"no member named '{name}' in team '{team}'")
        if len(found) > 1:
            raise InvalidAnswer(f"more than one '{name}' in team '{team}': use the user id")
        user_id = found[0].platform_user_id
    rows = person_rows(session=session, user_id=user_id)
    if not any(rows.counts().values()):
        raise NotFound(f"Haven holds nothing under the user id '{user_id}'")
    return rows
