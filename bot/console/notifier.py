"""The console platform: prints what Slack or Teams would show, and records it."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.console.render import render
from rituals.messages import Message
from rituals.ports import ChannelAddress, Person, PersonAddress


@dataclass(frozen=True)
class Delivery:
    """One message as the console delivered it."""

    where: str  # "channel", "thread", "update" or "direct"
    target: str  # channel name or user id
    message: Message
    ref: str


@dataclass
class ConsoleNotifier:
    """A Notifier for console rooms: members are whoever is in the room."""

    rooms: dict[str, list[Person]] = field(default_factory=dict)
    output: Callable[[str], None] | None = None
    watcher: str | None = None  # when set, print only channel posts and direct messages to them
    deliveries: list[Delivery] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _deliver(self, where: str, target: str, message: Message, ref: str = "") -> str:
        ref = ref or f"console-{next(self._ids)}"
        self.deliveries.append(Delivery(where=where, target=target, message=message, ref=ref))
        if self.output is not None and (
            self.watcher is None or where != "direct" or target == self.watcher
        ):
            prefix = {"direct": f"[DM to {target}] ", "thread": "    ", "update": ""}.get(
                where, f"[#{target}] "
            )
            self.output(prefix + render(message).replace("\n", "\n" + " " * len(prefix)))
        return ref

    async def post_to_channel(self, *, channel: ChannelAddress, message: Message) -> str:
        """Print a channel post."""
        return self._deliver("channel", channel.channel, message)

    async def post_in_thread(
        self, *, channel: ChannelAddress, thread_ref: str, message: Message
    ) -> str:
        """Print a thread reply, indented."""
        return self._deliver("thread", channel.channel, message)

    async def update_message(
        self, *, channel: ChannelAddress, message_ref: str, message: Message
    ) -> None:
        """Print the new content of an earlier message."""
        self._deliver("update", channel.channel, message, ref=message_ref)

    async def send_direct(self, *, person: PersonAddress, message: Message) -> str:
        """Print a direct message."""
        return self._deliver("direct", person.user_id, message)

    async def channel_members(self, *, channel: ChannelAddress) -> list[Person]:
        """Return the people in the room."""
        return list(self.rooms.get(channel.channel, []))

    def sent_to(self, target: str, where: str | None = None) -> list[Message]:
        """Return the messages delivered to a channel or person, optionally of one kind of delivery."""
        return [
            d.message
            for d in self.deliveries
            if d.target == target and (where is None or d.where == where)
        ]
