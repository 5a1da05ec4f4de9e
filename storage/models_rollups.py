"""Rollup tables: each team-week's named answers, summed when an occurrence closes.

The digest reads these instead of every answer. A row is current while `closed_occurrences`
equals the number of the team-week's check-ins and pulses, all closed (storage/rollups.py).
"""

from sqlmodel import Field, SQLModel


class TeamWeekRollup(SQLModel, table=True):
    """A team's check-in and pulse answers of one ISO week, per person first, then summed."""

    team_id: int = Field(foreign_key="team.id", primary_key=True)
    iso_week: str = Field(max_length=8, primary_key=True)
    closed_occurrences: int = Field(default=0)  # check-ins and pulses closed at the refresh
    respondents: int = Field(default=0)
    respondents_kept: int = Field(default=0)  # *_kept: of them, also there the week before
    answered: int = Field(default=0)  # one per person per check-in or pulse answered
    mood_people: int = Field(default=0)
    mood_sum_of_means: float = Field(default=0.0)  # each person's mean mood, summed
    low_mood_people: int = Field(default=0)
    mood_kept: int = Field(default=0)
    sentiment_people: int = Field(default=0)
    sentiment_sum: float = Field(default=0.0)
    sentiment_count: int = Field(default=0)
    text_count: int = Field(default=0)
    sentiment_kept: int = Field(default=0)
    pulse_people: int = Field(default=0)
    pulse_kept: int = Field(default=0)


class TeamItemRollup(SQLModel, table=True):
    """A team's answers to one safety item in one ISO week: distinct people, answers, raw sum."""

    team_id: int = Field(foreign_key="team.id", primary_key=True)
    iso_week: str = Field(max_length=8, primary_key=True)
    item: int = Field(primary_key=True)
    people: int = Field(default=0)
    answers: int = Field(default=0)
    score_sum: int = Field(default=0)
