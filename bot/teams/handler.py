"""The Teams activity handler: each activity becomes one core call and a card or a line back."""

import asyncio
import logging
from datetime import datetime
from typing import Any

from botbuilder.core import CardFactory, InvokeResponse, MessageFactory, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, MessageReaction
from sqlmodel import Session

from bot.database_work import in_session
from bot.error_site import where
from bot.teams.activities import (
    Actor,
    actor_of,
    base_conversation,
    card_action,
    command_text,
    invoke_action,
    kind_of,
    mentions_bot,
    teams_team_of,
    tenant_of,
)
from bot.teams.commands import parse_command, unknown_command
from bot.teams.conversations import drop_from_roster, remember, save_roster
from bot.teams.dispatch import run_action
from bot.teams.forms import welcome_card
from bot.teams.meeting import open_meeting_checkin
from bot.teams.notifier import PersonUnreachable
from bot.teams.removal import erase_tenant_if_gone, pause_after_removal
from bot.teams.retry import with_retries
from bot.teams.roster import entries_of, fetch_roster
from bot.teams.runtime import Reply, TeamsRuntime
from bot.teams.threads import count_reactions, record_thread_reply
from rituals.clock import utcnow
from rituals.errors import HavenError
from rituals.privacy.workspace_erasure import cancel_erasure

log = logging.getLogger(__name__)
FAILED = "Haven could not do that just now; please try again, or tell your Haven admin."
REMEMBERED = {
    ActivityTypes.message,
    ActivityTypes.invoke,
    ActivityTypes.conversation_update,
    ActivityTypes.installation_update,
    ActivityTypes.event,
}


def reply_activity(reply: Reply) -> Activity:
    """Return the message that carries a reply: its card, or its line of text."""
    if reply.card is not None:
        activity = MessageFactory.attachment(CardFactory.adaptive_card(reply.card))
        activity.summary = reply.text
        return activity
    activity = MessageFactory.text(reply.text)
    activity.text_format = "plain"  # replies repeat what people typed: never markdown
    return activity


def invoke_body(reply: Reply) -> dict[str, Any]:
    """Return the adaptiveCard/action response: a card for the clicker, or a message to them."""
    if reply.card is not None:
        return {
            "statusCode": 200,
            "type": "application/vnd.microsoft.card.adaptive",
            "value": reply.card,
        }
    return {
        "statusCode": 200,
        "type": "application/vnd.microsoft.activity.message",
        "value": reply.text,
    }


class HavenTeamsBot(TeamsActivityHandler):
    """Haven in Teams: remembers where it is, answers commands and card actions, opens meeting check-ins."""

    def __init__(self, *, runtime: TeamsRuntime) -> None:
        self.runtime = runtime

    async def on_turn(self, turn_context: TurnContext) -> None:
        """Keep the conversation's reference for proactive messages, then handle the activity."""
        try:
            if turn_context.activity.type in REMEMBERED:
                activity = turn_context.activity
                await in_session(
                    self.runtime.engine,
                    lambda session: remember(session=session, activity=activity),
                )
            await super().on_turn(turn_context)
        except Exception as error:  # the one guard: a short answer, one log line, never a 5xx
            await log_turn_error(turn_context, error)
            await self._answer_failure(turn_context)

    async def _answer_failure(self, turn_context: TurnContext) -> None:
        """Tell the person briefly that it failed: in the invoke's answer, or as a message."""
        failed = Reply(FAILED)
        if turn_context.activity.type == ActivityTypes.invoke:
            if turn_context.turn_state.get(TurnContext._INVOKE_RESPONSE_KEY) is None:
                await turn_context.send_activity(
                    Activity(
                        type=ActivityTypes.invoke_response,
                        value=InvokeResponse(status=200, body=invoke_body(failed)),
                    )
                )
            return
        if turn_context.activity.type == ActivityTypes.message:
            try:
                await turn_context.send_activity(reply_activity(failed))
            except Exception as error:  # the connector is unreachable: the log line is enough
                log.info("could not tell the person: %s", type(error).__name__)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        """Handle a card submitted as a message, a story in a failure thread, or a command."""
        activity = turn_context.activity
        actor = actor_of(activity)
        data = card_action(activity)
        if data is not None:
            reply = await run_action(runtime=self.runtime, actor=actor, data=data)
            await self._answer_privately(turn_context, actor, reply)
            return
        addressed = actor.conversation_kind == "personal" or mentions_bot(activity)
        command = parse_command(command_text(activity)) if addressed else None
        if command is None and actor.conversation_kind != "personal":
            try:
                if await asyncio.to_thread(
                    record_thread_reply, runtime=self.runtime, activity=activity
                ):
                    return
            except HavenError as error:
                await turn_context.send_activity(MessageFactory.text(str(error)))
                return
        if not addressed:
            return  # channel chatter that is not for Haven
        reply = (
            await run_action(runtime=self.runtime, actor=actor, data=command)
            if command is not None
            else Reply(unknown_command(command_text(activity)))
        )
        await turn_context.send_activity(reply_activity(reply))

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        """Answer an Adaptive Card Action.Execute; leave other invokes to botbuilder."""
        if turn_context.activity.name != "adaptiveCard/action":
            answered = await super().on_invoke_activity(turn_context)
            if answered is not None and answered.status == 501:  # botbuilder: "not implemented"
                return InvokeResponse(
                    status=404,
                    body={"statusCode": 404, "message": "Haven does not handle this invoke."},
                )
            return answered
        data = invoke_action(turn_context.activity)
        if data is None:
            return InvokeResponse(
                status=400,
                body={
                    "statusCode": 400,
                    "type": "application/vnd.microsoft.error",
                    "value": {"code": "BadRequest", "message": "Not an Action.Execute value."},
                },
            )
        actor = actor_of(turn_context.activity)
        reply = await run_action(runtime=self.runtime, actor=actor, data=data)
        return InvokeResponse(status=200, body=invoke_body(reply))

    async def on_reactions_added(
        self, message_reactions: list[MessageReaction], turn_context: TurnContext
    ) -> None:
        """Count reactions to a story."""
        await asyncio.to_thread(
            count_reactions,
            runtime=self.runtime,
            activity=turn_context.activity,
            delta=len(message_reactions),
        )

    async def on_reactions_removed(
        self, message_reactions: list[MessageReaction], turn_context: TurnContext
    ) -> None:
        """Uncount reactions taken back from a story."""
        await asyncio.to_thread(
            count_reactions,
            runtime=self.runtime,
            activity=turn_context.activity,
            delta=-len(message_reactions),
        )

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        """Greet and read the roster when Haven joins; pause the team's rituals when it is removed."""
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        added: list[ChannelAccount] = activity.members_added or []
        removed: list[ChannelAccount] = activity.members_removed or []
        if any(member.id == bot_id for member in removed):
            await self._left(activity)
        elif any(member.id == bot_id for member in added):
            await self._back(activity)
            await self._sync_roster(turn_context)
            await turn_context.send_activity(
                reply_activity(Reply("Hi, I'm Haven", card=welcome_card(kind=kind_of(activity))))
            )
        elif added:
            await self._sync_roster(turn_context)
        elif removed:
            roster_id, user_ids = self._roster_id(activity), [member.id for member in removed]
            await in_session(
                self.runtime.engine,
                lambda session: drop_from_roster(
                    session=session, roster_id=roster_id, user_ids=user_ids
                ),
            )

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        """Read the roster of the team or chat Haven was installed in."""
        await self._back(turn_context.activity)
        await self._sync_roster(turn_context)

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        """Pause the rituals of the channel Haven was uninstalled from."""
        await self._left(turn_context.activity)

    async def on_teams_meeting_start_event(self, meeting: Any, turn_context: TurnContext) -> None:
        """Open the channel team's check-in in the chat of the meeting that started."""
        try:
            await open_meeting_checkin(
                runtime=self.runtime, activity=turn_context.activity, details=meeting
            )
        except HavenError as error:
            log.warning("meeting check-in not opened: %s", error)

    async def _left(self, activity: Activity) -> None:
        conversation_id = base_conversation(activity.conversation.id)
        grace_days = self.runtime.privacy.uninstall_grace_days

        def pause_and_erase(session: Session) -> tuple[list[str], datetime | None]:
            teams = pause_after_removal(session=session, conversation_id=conversation_id)
            erase_on = erase_tenant_if_gone(
                session=session, tenant_id=tenant_of(activity), now=utcnow(), grace_days=grace_days
            )
            return teams, erase_on

        teams, erase_on = await in_session(self.runtime.engine, pause_and_erase)
        log.warning(
            "Haven was removed from Teams conversation %s; paused the rituals of %s",
            conversation_id,
            ", ".join(teams) or "no team",
        )
        if erase_on is not None:
            await self._tell_erasure(activity, erase_on.date().isoformat())

    async def _back(self, activity: Activity) -> None:
        """Cancel the tenant's erasure: Haven was added again within the grace period."""
        tenant = tenant_of(activity)
        await in_session(
            self.runtime.engine,
            lambda session: cancel_erasure(session=session, platform="teams", external_id=tenant),
        )

    async def _tell_erasure(self, activity: Activity, day: str) -> None:
        """Tell the person who removed Haven when the tenant's data will be erased."""
        remover = activity.from_property.id if activity.from_property else ""
        text = (
            "Haven is no longer in any team or chat of your organisation. Unless it is added "
            f"back, everything it holds for your organisation is erased on {day}."
        )
        log.info("the tenant's data is erased on %s unless Haven is added back", day)
        if not remover:
            return
        try:
            await self.runtime.teams.send_to_person(
                user_id=remover, activity=MessageFactory.text(text)
            )
        except (PersonUnreachable, HavenError) as error:
            log.info("the erasure date could not be delivered: %s", type(error).__name__)

    @staticmethod
    def _roster_id(activity: Activity) -> str:
        return teams_team_of(activity) or base_conversation(activity.conversation.id)

    async def _sync_roster(self, turn_context: TurnContext) -> None:
        """Store the team's (or chat's) members with TeamsInfo's paged list; a failure is only logged."""
        activity = turn_context.activity
        if kind_of(activity) == "personal":
            return
        roster_id = self._roster_id(activity)
        try:
            accounts = await with_retries(
                lambda: fetch_roster(turn_context, roster_id), policy=self.runtime.teams.retry
            )
        except Exception as error:  # the roster is refreshed again before each ritual opens
            log.warning("could not read the roster of %s: %s", roster_id, type(error).__name__)
            return
        tenant, people = tenant_of(activity), entries_of(accounts)
        await in_session(
            self.runtime.engine,
            lambda session: save_roster(
                session=session, roster_id=roster_id, tenant_id=tenant, people=people, complete=True
            ),
        )

    async def _answer_privately(
        self, turn_context: TurnContext, actor: Actor, reply: Reply
    ) -> None:
        """Answer in a personal chat: in place there, else in the person's personal chat with Haven."""
        if actor.conversation_kind == "personal":
            await turn_context.send_activity(reply_activity(reply))
            return
        try:
            await self.runtime.teams.send_to_person(
                user_id=actor.user_id, activity=reply_activity(reply)
            )
        except (PersonUnreachable, HavenError) as error:
            log.info("a card receipt could not be delivered: %s", type(error).__name__)


async def log_turn_error(turn_context: TurnContext, error: Exception) -> None:
    """Log an unexpected failure of one turn in one line: activity type, error and where it arose.

    Never who or what was said, and no traceback: its locals can hold what people typed.
    """
    log.error(
        "Teams %s activity failed: %s at %s",
        str(turn_context.activity.type)[:40],
        type(error).__name__,
        where(error),
    )
