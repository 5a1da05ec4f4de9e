"""Haven-side Teams tables: where the bot can post proactively, and who is in each team's roster.

No row carries a timestamp: a "last seen" time on a personal chat could be joined against the day an
anonymous answer was given.
"""

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class TeamsConversation(SQLModel, table=True):
    """A conversation the bot was added to or spoken to in: a team channel, a group chat or a personal chat."""

    conversation_id: str = Field(
        primary_key=True, max_length=400
    )  # channel ids without ;messageid=
    tenant_id: str = Field(default="", max_length=128, index=True)
    kind: str = Field(max_length=16)  # channel | groupChat | personal
    team_id: str = Field(default="", max_length=200, index=True)  # channels: the Teams team id
    user_id: str = Field(
        default="", max_length=200, index=True
    )  # personal chats: the person's 29: id
    service_url: str = Field(max_length=500)
    # The serialized botbuilder ConversationReference, without the user who last spoke in a channel.
    reference: str = Field(sa_column=Column(Text, nullable=False))
    bot_removed: bool = Field(default=False)  # set when Teams says the bot is no longer there


class TeamsRosterMember(SQLModel, table=True):
    """One person in a Teams team's (or group chat's) roster, as TeamsInfo's paged members list them."""

    roster_id: str = Field(primary_key=True, max_length=200)  # Teams team id, or the chat's id
    user_id: str = Field(primary_key=True, max_length=200)  # Teams user id (29:…)
    tenant_id: str = Field(default="", max_length=128)
    aad_object_id: str = Field(default="", max_length=64)
    display_name: str = Field(default="", max_length=200)
    is_owner: bool = Field(default=False)  # the roster's userRole says "owner"
