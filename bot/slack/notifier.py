"""The Slack notifier: renders the core's messages as Block Kit and sends them through the Web API."""

from datetime import datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.history import find_tagged, outbox_metadata
from bot.slack.people import SlackPeople
from bot.slack.render import SlackMessage, render
from bot.slack.web import SlackClients
from rituals.messages import Message
from rituals.outbox import SENDING_KEY
from rituals.ports import ChannelAddress, Person, PersonAddress

MAX_BLOCKS = 50  # Slack's limit per message; longer messages go out in parts


def _parts(blocks: list[dict]) -> list[list[dict]]:  # type: ignore[type-arg]
    return [blocks[i : i + MAX_BLOCKS] for i in range(0, len(blocks), MAX_BLOCKS)] or [[]]


class SlackNotifier:
    """Implements rituals.ports.Notifier for Slack; workspace = Slack team id, refs = message ts."""

    def __init__(self, *, clients: SlackClients, people: SlackPeople) -> None:
        self.clients = clients
        self.people = people

    async def _post(
        self,
        client: AsyncWebClient,
        *,
        channel: str,
        message: Message,
        thread_ts: str | None = None,
    ) -> str:
        rendered = render(message)
        blocks = rendered.blocks
        attach_after = rendered.image_png is not None
        if rendered.image_png is not None and rendered.with_image is not None:
            file_id = await self._upload(client, rendered, channel=None, thread_ts=None)
            if file_id:
                blocks, attach_after = rendered.with_image(file_id), False
        try:
            first_ts = await self._post_blocks(
                client, channel=channel, text=rendered.text, blocks=blocks, thread_ts=thread_ts
            )
        except SlackApiError as error:
            if blocks is rendered.blocks or error.response.get("error") != "invalid_blocks":
                raise
            # The uploaded image was not ready to show inline: send it as a file instead.
            first_ts = await self._post_blocks(
                client,
                channel=channel,
                text=rendered.text,
                blocks=rendered.blocks,
                thread_ts=thread_ts,
            )
            attach_after = True
        if attach_after:
            await self._upload(client, rendered, channel=channel, thread_ts=thread_ts)
        return first_ts

    async def _post_blocks(
        self,
        client: AsyncWebClient,
        *,
        channel: str,
        text: str,
        blocks: list[dict],  # type: ignore[type-arg]
        thread_ts: str | None,
    ) -> str:
        first_ts = ""
        key = SENDING_KEY.get()
        for part in _parts(blocks):
            response = await client.chat_postMessage(
                channel=channel,
                text=text,
                blocks=part,
                thread_ts=thread_ts,
                unfurl_links=False,
                unfurl_media=False,
                # the outbox key, so a sender unsure whether this went out can look it up
                metadata=outbox_metadata(key) if key and not first_ts else None,
            )
            first_ts = first_ts or response["ts"]
        return first_ts

    async def _upload(
        self,
        client: AsyncWebClient,
        rendered: SlackMessage,
        *,
        channel: str | None,
        thread_ts: str | None,
    ) -> str:
        """Upload the message's image (to a channel, or privately to show inline); return its id."""
        response = await client.files_upload_v2(
            channel=channel,
            content=rendered.image_png,
            filename="haven-trend.png",
            title=rendered.image_alt[:250] or "Trend chart",
            alt_txt=rendered.image_alt[:1000],
            thread_ts=thread_ts,
        )
        files = response.get("files") or [response.get("file") or {}]
        return str(files[0].get("id", "")) if files else ""

    async def post_to_channel(self, *, channel: ChannelAddress, message: Message) -> str:
        """Post a message in the channel and return its ts."""
        client = await self.clients.for_workspace(channel.workspace)
        return await self._post(client, channel=channel.channel, message=message)

    async def post_in_thread(
        self, *, channel: ChannelAddress, thread_ref: str, message: Message
    ) -> str:
        """Reply in the thread of thread_ref and return the reply's ts."""
        client = await self.clients.for_workspace(channel.workspace)
        return await self._post(
            client, channel=channel.channel, message=message, thread_ts=thread_ref
        )

    async def update_message(
        self, *, channel: ChannelAddress, message_ref: str, message: Message
    ) -> None:
        """Replace the content of a message the bot posted earlier."""
        client = await self.clients.for_workspace(channel.workspace)
        rendered = render(message)
        await client.chat_update(
            channel=channel.channel,
            ts=message_ref,
            text=rendered.text,
            blocks=rendered.blocks[:MAX_BLOCKS],
        )

    async def send_direct(self, *, person: PersonAddress, message: Message) -> str:
        """Send a direct message and return '<dm channel>:<ts>'."""
        client = await self.clients.for_workspace(person.workspace)
        channel = await self.people.dm_channel(team_id=person.workspace, user_id=person.user_id)
        return f"{channel}:{await self._post(client, channel=channel, message=message)}"

    async def find_sent(
        self,
        *,
        address: ChannelAddress | PersonAddress,
        thread_ref: str,
        key: str,
        since: datetime,
    ) -> str | None:
        """Return the ref of the bot's message tagged with the outbox key since then, or None."""
        if isinstance(address, PersonAddress):
            client = await self.clients.for_workspace(address.workspace)
            channel = await self.people.dm_channel(
                team_id=address.workspace, user_id=address.user_id
            )
        else:
            client = await self.clients.for_workspace(address.workspace)
            channel = address.channel
        found = await find_tagged(
            client, channel=channel, thread_ref=thread_ref, key=key, since=since
        )
        if found is None:
            return None
        return f"{channel}:{found}" if isinstance(address, PersonAddress) else found

    async def channel_members(self, *, channel: ChannelAddress) -> list[Person]:
        """Return the channel's people, without bots and deactivated accounts, with away status."""
        client = await self.clients.for_workspace(channel.workspace)
        user_ids: list[str] = []
        cursor = None
        while True:
            response = await client.conversations_members(
                channel=channel.channel, limit=200, cursor=cursor
            )
            user_ids += response["members"]
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        people = [
            await self.people.lookup(team_id=channel.workspace, user_id=user_id)
            for user_id in user_ids
        ]
        return [
            Person(user_id=p.user_id, display_name=p.display_name, away=p.away)
            for p in people
            if not p.is_bot
        ]
