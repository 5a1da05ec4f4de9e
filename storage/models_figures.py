"""The publication audit's record: what was decided for each measure of a team, through a week.

Figures come only from final weeks, so these decisions never change; keeping them lets a digest
continue the audit from the last week decided instead of replaying the team's whole history.
"""

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class FigureAudit(SQLModel, table=True):
    """The audit of one measure of one team (mood, sentiment, item 1..7) through one ISO week."""

    __table_args__ = (UniqueConstraint("team_id", "measure"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    measure: str = Field(max_length=16)
    through_week: str = Field(max_length=8)  # the last week of the last block decided
    # JSON: [[block weeks], [published window] or null], one per block, in week order.
    decisions: str = Field(sa_column=Column(Text, nullable=False))
    # JSON: [[[member id, weight], ...], week number last published], within the horizon.
    equations: str = Field(sa_column=Column(Text, nullable=False))


class PublishedWeek(SQLModel, table=True):
    """The headline figures of one team's final week, as its digest published them.

    A final week's figures never change (the audit's decisions are kept), so pages that show
    many teams read them from here instead of computing every team's digest again.
    """

    __table_args__ = (UniqueConstraint("team_id", "iso_week"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    iso_week: str = Field(max_length=8)
    # JSON: {figure name: {"label", "unit", "current", "change", "trend"}} for the headline.
    figures: str = Field(sa_column=Column(Text, nullable=False))
