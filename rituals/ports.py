"""Protocols the platform adapters implement: the only way the core reaches a chat platform."""

from dataclasses import dataclass
from typing import Protocol

from rituals.messages import Message


@dataclass(frozen=True)
class ChannelAddress:
    """Where a team's channel lives on its platform."""

    platform: str
    workspace: str  # Slack team id, Teams tenant id, "local" for the console
    channel: str


@dataclass(frozen=True)
class PersonAddress:
    """How to reach one person directly on their platform."""

    platform: str
    workspace: str
    user_id: str


@dataclass(frozen=True)
class Person:
    """A channel member as the platform reports them."""

    user_id: str
    display_name: str
    away: bool = False  # on vacation / out of office: not prompted today


class Notifier(Protocol):
    """Sends the core's messages to one chat platform; implementations render each message type."""

    async def post_to_channel(self, *, channel: ChannelAddress, message: Message) -> str:
        """Post a message in the channel and return its platform message id."""
        ...

    async def post_in_thread(
        self, *, channel: ChannelAddress, thread_ref: str, message: Message
    ) -> str:
        """Reply in the thread of message thread_ref and return the reply's id."""
        ...

    async def update_message(
        self, *, channel: ChannelAddress, message_ref: str, message: Message
    ) -> None:
        """Replace the content of a message the bot posted earlier."""
        ...

    async def send_direct(self, *, person: PersonAddress, message: Message) -> str:
        """Send a direct message to one person and return its id."""
        ...

    async def channel_members(self, *, channel: ChannelAddress) -> list[Person]:
        """Return the people in the channel, humans only, with their away status."""
        ...


class NotifierRegistry(Protocol):
    """Finds the notifier for a platform; raises PlatformUnavailable when it is off."""

    def for_platform(self, platform: str) -> Notifier:
        """Return the notifier serving platform."""
        ...
