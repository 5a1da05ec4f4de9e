"""Dashboard tables: sign-in links already used, and open browser sessions."""

from datetime import datetime

from sqlmodel import Field, SQLModel


class DashboardLinkUse(SQLModel, table=True):
    """The nonce of a one-time sign-in link that was used: the link opens nothing a second time."""

    nonce: str = Field(primary_key=True, max_length=64)
    used_at: datetime = Field(index=True)  # aware UTC; rows older than a link's life are pruned


class DashboardSession(SQLModel, table=True):
    """A signed-in browser: who it is, whether the platform vouched them an admin, and until when."""

    token_hash: str = Field(
        primary_key=True, max_length=64
    )  # SHA-256 of the cookie, never the cookie
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    user_id: str = Field(max_length=128)  # platform user id
    platform_admin: bool = Field(default=False)  # a workspace admin or owner when the link was made
    csrf_token: str = Field(max_length=64)  # every form of the session carries it
    expires_at: datetime = Field(index=True)  # aware UTC
