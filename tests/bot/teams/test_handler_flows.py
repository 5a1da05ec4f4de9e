"""botbuilder TestAdapter flows through HavenTeamsBot: commands, card actions, admin checks."""

from typing import Any

import pytest
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, Entity

from bot.platforms import Notifiers
from bot.settings import Settings
from bot.teams.adapter import TeamsAuth, build_adapter
from bot.teams.handler import HavenTeamsBot
from bot.teams.notifier import TeamsNotifier
from bot.teams.rights import NOT_ADMIN
from bot.teams.runtime import TeamsRuntime
from tests.bot.teams import payloads
from tests.bot.teams.conftest import FAST


@pytest.fixture
def bot(engine, connector) -> HavenTeamsBot:
    """Return the Teams bot with a notifier that reaches the fake connector."""
    auth = TeamsAuth(app_id="", required=False)
    notifier = TeamsNotifier(
        adapter=build_adapter(settings=Settings(_env_file=None, HAVEN_TEAMS_DEV=True), auth=auth),
        engine=engine,
        app_id="",
        retry=FAST,
    )
    runtime = TeamsRuntime(
        engine=engine,
        notifiers=Notifiers(by_platform={"teams": notifier}),
        teams=notifier,
        relay_key=None,
    )
    return HavenTeamsBot(runtime=runtime)


def adapter_for(
    bot: HavenTeamsBot, service_url: str, *, user: str, personal: bool = False
) -> TestAdapter:
    """Return a TestAdapter speaking as one person, in the team channel or their personal chat."""
    who = payloads.person(user)
    conversation = (
        ConversationAccount(
            id=f"a:personal-{user}", conversation_type="personal", tenant_id=payloads.TENANT
        )
        if personal
        else ConversationAccount(
            id=payloads.CHANNEL,
            conversation_type="channel",
            is_group=True,
            tenant_id=payloads.TENANT,
        )
    )
    team = {} if personal else {"team": {"id": payloads.TEAM, "name": "Platform Team"}}
    template = Activity(
        channel_id="msteams",
        service_url=service_url,
        from_property=ChannelAccount(
            id=who["id"], name=who["name"], aad_object_id=who["aadObjectId"]
        ),
        recipient=ChannelAccount(**payloads.BOT),
        conversation=conversation,
        channel_data={"tenant": {"id": payloads.TENANT}, **team},
    )
    return TestAdapter(bot.on_turn, template)


def mention(text: str) -> Activity:
    """Return a channel message that @mentions Haven."""
    entity = Entity(type="mention")
    entity.additional_properties = {"mentioned": dict(payloads.BOT), "text": "<at>Haven</at>"}
    return Activity(type="message", text=f"<at>Haven</at> {text}", entities=[entity])


def execute(data: dict[str, Any]) -> Activity:
    """Return an adaptiveCard/action invoke carrying data."""
    return Activity(
        type="invoke",
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": data["haven"], "data": data}},
    )


def card_says(expected: str):  # type: ignore[no-untyped-def]
    """Return an inspector asserting that a reply's card (or text) contains expected."""

    def inspect(activity: Activity, description: str | None = None) -> None:
        shown = str(activity.text or "") + str([a.content for a in activity.attachments or []])
        assert expected in shown, shown

    return inspect


def invoke_says(expected: str):  # type: ignore[no-untyped-def]
    """Return an inspector asserting what an invoke response shows the clicker."""

    def inspect(activity: Activity, description: str | None = None) -> None:
        assert activity.type == "invokeResponse"
        assert activity.value.status == 200 and expected in activity.value.body["value"], (
            activity.value.body
        )

    return inspect


async def test_help_in_personal_chat_lists_the_commands(bot, connector):
    adapter = adapter_for(bot, connector.url, user="29:bob", personal=True)

    flow = await adapter.send("help")
    await flow.assert_reply(card_says("Haven — psychological-safety rituals"))


async def test_an_owner_sets_up_the_channel_and_adds_a_ritual(bot, connector):
    owner = adapter_for(bot, connector.url, user="29:alice")
    flow = await owner.send(
        Activity(type="conversationUpdate", members_added=[ChannelAccount(**payloads.BOT)])
    )
    flow = await flow.assert_reply(card_says("Hi, I'm Haven"))
    # The TestAdapter has no connector, so the roster (owners included) comes through the notifier.
    await bot.runtime.teams.channel_members(channel=_channel())

    flow = await flow.send(mention("setup"))
    flow = await flow.assert_reply(card_says("Set up Haven for this channel"))
    flow = await flow.send(
        execute({"haven": "setup", "name": "Platform", "timezone": "UTC", "working_days": "mon"})
    )
    flow = await flow.assert_reply(invoke_says("is team Platform"))
    flow = await flow.send(mention("rituals add checkin"))
    await flow.assert_reply(card_says("Added ritual"))


async def test_a_member_who_is_not_an_admin_is_refused(bot, connector):
    member = adapter_for(bot, connector.url, user="29:bob")

    flow = await member.send(mention("setup"))
    flow = await flow.assert_reply(card_says(NOT_ADMIN))
    flow = await flow.send(execute({"haven": "setup", "name": "Mine"}))
    await flow.assert_reply(invoke_says(NOT_ADMIN))


async def test_an_unknown_command_in_the_channel_gets_a_hint(bot, connector):
    member = adapter_for(bot, connector.url, user="29:bob")

    flow = await member.send(mention("dance"))
    await flow.assert_reply(card_says("Type help"))


async def test_channel_chatter_without_a_mention_gets_no_reply(bot, connector):
    member = adapter_for(bot, connector.url, user="29:bob")

    flow = await member.send("anyone for lunch?")
    await flow.assert_no_reply(timeout=200)


def _channel():  # type: ignore[no-untyped-def]
    from rituals.ports import ChannelAddress

    return ChannelAddress(platform="teams", workspace=payloads.TENANT, channel=payloads.CHANNEL)
