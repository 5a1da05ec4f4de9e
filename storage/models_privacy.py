"""Tables of people's data rights: each team's retention, and workspaces waiting to be erased."""

from datetime import datetime

from sqlmodel import Field, SQLModel


class TeamRetention(SQLModel, table=True):
    """How many days a team keeps answers and texts; a team without a row keeps the default."""

    team_id: int = Field(foreign_key="team.id", primary_key=True)
    retention_days: int


class WorkspaceErasure(SQLModel, table=True):
    """A workspace Haven was uninstalled from: everything of it is erased after this time."""

    workspace_id: int = Field(foreign_key="workspace.id", primary_key=True)
    erase_after: datetime  # aware UTC
