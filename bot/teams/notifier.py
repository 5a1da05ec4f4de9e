"""The Teams Notifier: proactive messages through continue_conversation with stored references."""

import logging
from collections.abc import Awaitable, Callable
from copy import deepcopy
from typing import Any, TypeVar

from botbuilder.core import BotAdapter, CardFactory, TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
    ConversationReference,
)
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.teams.activities import base_conversation, thread_of
from bot.teams.cards import cards_of, render, summary_of
from bot.teams.conversations import (
    conversation_of_roster,
    find_conversation,
    forget,
    loaded,
    personal_chat,
    personal_reference,
    roster_id_of,
    rosters_of_person,
    save_roster,
    store_personal,
)
from bot.teams.pacing import TeamsPacer
from bot.teams.removal import pause_after_removal
from bot.teams.retry import ConversationGone, RetryPolicy, http_status, with_retries
from bot.teams.roster import entries_of, fetch_roster
from bot.teams.routes import meeting_chat, routed_ref, split_ref
from rituals.errors import PlatformUnavailable
from rituals.messages import CheckinPrompt, Message
from rituals.ports import ChannelAddress, Person, PersonAddress

log = logging.getLogger(__name__)
T = TypeVar("T")
Operation = Callable[[TurnContext], Awaitable[T]]


class PersonUnreachable(Exception):
    """One person cannot be reached in a personal chat; others still can (never names them)."""


def activity_of(message: Message | dict[str, Any], *, preview: str = "Haven") -> Activity:
    """Return a message activity carrying a core message (or a ready card) as an Adaptive Card."""
    content = message if isinstance(message, dict) else render(message)
    return Activity(
        type=ActivityTypes.message,
        attachments=[CardFactory.adaptive_card(content)],
        summary=preview if isinstance(message, dict) else summary_of(message),
    )


class TeamsNotifier:
    """Sends Haven's messages to Teams conversations the bot knows; implements rituals.ports.Notifier."""

    def __init__(
        self,
        *,
        adapter: BotAdapter,
        engine: Engine,
        app_id: str,
        retry: RetryPolicy | None = None,
        pacer: TeamsPacer | None = None,
    ) -> None:
        self.adapter = adapter
        self.engine = engine
        self.app_id = app_id
        self.retry = retry or RetryPolicy()
        self.pacer = pacer or TeamsPacer()

    async def post_to_channel(self, *, channel: ChannelAddress, message: Message) -> str:
        """Post a card in the channel (a meeting check-in goes to the meeting's chat)."""
        route = meeting_chat.get() if isinstance(message, CheckinPrompt) else None
        if route:
            activity_id = await self._send(route, activity_of(message), owner=channel.channel)
            return routed_ref(activity_id=activity_id, conversation_id=route)
        return await self._send(channel.channel, activity_of(message), owner=channel.channel)

    async def post_in_thread(
        self, *, channel: ChannelAddress, thread_ref: str, message: Message
    ) -> str:
        """Reply in the thread under thread_ref (a meeting chat has no threads: post in it)."""
        root, elsewhere = split_ref(thread_ref)
        if elsewhere:
            activity_id = await self._send(elsewhere, activity_of(message), owner=channel.channel)
            return routed_ref(activity_id=activity_id, conversation_id=elsewhere)
        return await self._send(
            thread_of(channel.channel, root), activity_of(message), owner=channel.channel
        )

    async def update_message(
        self, *, channel: ChannelAddress, message_ref: str, message: Message
    ) -> None:
        """Replace a card the bot posted earlier."""
        activity_id, elsewhere = split_ref(message_ref)
        activity = activity_of(message)
        activity.id = activity_id
        conversation_id = elsewhere or channel.channel

        async def update(context: TurnContext) -> None:
            activity.conversation = ConversationAccount(id=conversation_id)
            await _connector(context).conversations.update_activity(
                conversation_id, activity_id, activity
            )

        await self._call(conversation_id, update, owner=channel.channel)

    async def send_direct(self, *, person: PersonAddress, message: Message) -> str:
        """Send a message to one person's personal chat (a long batch as several cards, in order)."""
        first = ""
        for content in cards_of(message):
            activity = activity_of(content, preview=summary_of(message))
            sent = await self.send_to_person(user_id=person.user_id, activity=activity)
            first = first or sent
        return first

    async def channel_members(self, *, channel: ChannelAddress) -> list[Person]:
        """Return the people of the channel's Teams team, refreshing the stored roster."""
        with Session(self.engine) as session:
            row = find_conversation(session=session, conversation_id=channel.channel)
            if row is None:
                raise PlatformUnavailable(_unknown(channel.channel))
            roster_id, tenant_id = roster_id_of(row), row.tenant_id
        accounts = await self._call(
            channel.channel, lambda context: fetch_roster(context, roster_id), owner=channel.channel
        )
        entries = entries_of(accounts)
        with Session(self.engine) as session:
            save_roster(
                session=session,
                roster_id=roster_id,
                tenant_id=tenant_id,
                people=entries,
                complete=True,
            )
        return [Person(user_id=e.user_id, display_name=e.display_name) for e in entries]

    async def send_to_person(self, *, user_id: str, activity: Activity) -> str:
        """Send an activity to one person's personal chat; raise PersonUnreachable when impossible."""
        for attempt in ("stored", "fresh"):
            with Session(self.engine) as session:
                row = personal_chat(session=session, user_id=user_id)
                reference = loaded(row) if row else None
            if reference is None:
                reference = await self._open_personal_chat(user_id)
            try:
                return await self._send_with(reference, reference.conversation.id, activity)
            except ConversationGone as gone:
                with Session(self.engine) as session:
                    forget(session=session, conversation_id=reference.conversation.id)
                # No user id in the log: this may be the author of an anonymous answer.
                log.warning("a personal chat is gone (HTTP %s); %s", gone.status, attempt)
        raise PersonUnreachable("This person cannot be reached in a Teams personal chat.")

    async def _open_personal_chat(self, user_id: str) -> ConversationReference:
        """Create a personal chat with someone who shares a team with the bot, and store it."""
        with Session(self.engine) as session:
            entries = rosters_of_person(session=session, user_id=user_id)
            homes = [
                conversation_of_roster(session=session, roster_id=e.roster_id) for e in entries
            ]
            home = next((row for row in homes if row is not None), None)
            template = loaded(home) if home else None
        if template is None:
            raise PersonUnreachable(
                "Haven has no Teams chat with this person and shares no team with them."
            )
        tenant_id = template.conversation.tenant_id or ""
        parameters = ConversationParameters(
            is_group=False,
            bot=template.bot,
            members=[ChannelAccount(id=user_id)],
            tenant_id=tenant_id,
            channel_data={"tenant": {"id": tenant_id}},
        )
        created: dict[str, str] = {}

        async def keep_id(context: TurnContext) -> None:
            created["id"] = context.activity.conversation.id

        async def create() -> None:
            await self.pacer.wait(tenant=tenant_id, conversation="")  # the tenant's cap alone
            await self.adapter.create_conversation(
                self.app_id, keep_id, parameters, "msteams", template.service_url, None
            )

        try:
            await with_retries(create, policy=self.retry)
        except ConversationGone as gone:
            raise PersonUnreachable("Teams refused a personal chat with this person.") from gone
        reference = personal_reference(
            bot=template.bot,
            user_id=user_id,
            conversation_id=created["id"],
            service_url=template.service_url,
            tenant_id=tenant_id,
        )
        with Session(self.engine) as session:
            store_personal(
                session=session, user_id=user_id, tenant_id=tenant_id, reference=reference
            )
        return reference

    async def _send(self, conversation_id: str, activity: Activity, *, owner: str) -> str:
        """Send an activity to a stored conversation (or a thread in it) and return its id."""
        return await self._call(conversation_id, _sender(conversation_id, activity), owner=owner)

    async def _send_with(
        self, reference: ConversationReference, conversation_id: str, activity: Activity
    ) -> str:
        """Send an activity with a reference in hand, retrying transient failures."""
        send = _sender(conversation_id, activity)
        return await with_retries(lambda: self._in_turn(reference, send), policy=self.retry)

    async def _call(self, conversation_id: str, operation: Operation[T], *, owner: str) -> T:
        """Run an operation in a stored conversation; a removal pauses the owning team's rituals."""
        with Session(self.engine) as session:
            row = find_conversation(session=session, conversation_id=conversation_id)
            if row is None:
                raise PlatformUnavailable(_unknown(conversation_id))
            if row.bot_removed:
                raise PlatformUnavailable(_removed(conversation_id))
            reference = loaded(row)
        reference.conversation.id = conversation_id
        try:
            return await with_retries(
                lambda: self._in_turn(reference, operation), policy=self.retry
            )
        except ConversationGone as gone:
            with Session(self.engine) as session:
                teams = pause_after_removal(session=session, conversation_id=owner)
            log.warning(
                "Teams conversation %s no longer has Haven (HTTP %s); paused the rituals of %s",
                base_conversation(owner),
                gone.status,
                ", ".join(teams) or "no team",
            )
            raise PlatformUnavailable(_removed(owner)) from gone
        except PlatformUnavailable:
            raise
        except Exception as error:
            status = http_status(error)
            raise PlatformUnavailable(
                f"Teams refused the request ({f'HTTP {status}' if status else type(error).__name__})"
            ) from error

    async def _in_turn(self, reference: ConversationReference, operation: Operation[T]) -> T:
        """Run an operation in a proactive turn, passing its error out (the adapter would swallow it)."""
        outcome: dict[str, Any] = {}
        conversation = reference.conversation
        await self.pacer.wait(
            tenant=conversation.tenant_id or "", conversation=base_conversation(conversation.id)
        )

        async def callback(context: TurnContext) -> None:
            try:
                outcome["value"] = await operation(context)
            except Exception as error:
                outcome["error"] = error

        await self.adapter.continue_conversation(reference, callback, self.app_id)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]


def _connector(context: TurnContext) -> Any:
    """Return the connector client of a turn."""
    client = context.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)
    if client is None:
        raise PlatformUnavailable("This Teams turn has no connector to send through.")
    return client


def _sender(conversation_id: str, activity: Activity) -> Operation[str]:
    """Return the operation that sends a copy of the activity to the conversation."""

    async def send(context: TurnContext) -> str:
        addressed = _addressed(deepcopy(activity), context, conversation_id)
        response = await _connector(context).conversations.send_to_conversation(
            conversation_id, addressed
        )
        return response.id if response and response.id else ""

    return send


def _addressed(activity: Activity, context: TurnContext, conversation_id: str) -> Activity:
    """Return the activity addressed from the bot to the conversation of a proactive turn."""
    activity.channel_id = context.activity.channel_id
    activity.service_url = context.activity.service_url
    activity.from_property = context.activity.recipient
    activity.recipient = context.activity.from_property
    activity.conversation = ConversationAccount(id=conversation_id)
    return activity


def _unknown(conversation_id: str) -> str:
    return (
        f"Haven has no Teams conversation {base_conversation(conversation_id)} on record; "
        "add the bot to that channel (or mention it there) first"
    )


def _removed(conversation_id: str) -> str:
    return (
        f"Haven was removed from the Teams conversation {base_conversation(conversation_id)}; "
        "its team's rituals are paused until it is added back and an admin resumes them"
    )
