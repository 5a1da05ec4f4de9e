"""Read what Haven needs from a Bot Framework activity: who, where, and which card action."""

import re
from dataclasses import dataclass
from typing import Any

from botbuilder.schema import Activity

THREAD_MARK = ";messageid="
DEFAULT_TENANT = "default"  # the Emulator has no tenant; config files use this workspace name too
MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Actor:
    """Who sent an activity and from which conversation."""

    tenant_id: str
    user_id: str  # Teams user id (29:…): the id Haven stores as Member.platform_user_id
    aad_object_id: str
    display_name: str
    conversation_id: str  # without the ;messageid= of a channel thread
    conversation_kind: str  # channel | groupChat | personal
    teams_team_id: str  # the Teams team of a channel, "" elsewhere
    teams_team_name: str = ""


def base_conversation(conversation_id: str) -> str:
    """Return a channel conversation id without the thread part."""
    return conversation_id.split(THREAD_MARK, 1)[0]


def thread_root(conversation_id: str) -> str | None:
    """Return the id of the message a channel thread hangs from, or None outside a thread."""
    if THREAD_MARK not in conversation_id:
        return None
    return conversation_id.split(THREAD_MARK, 1)[1] or None


def thread_of(channel_id: str, root_id: str) -> str:
    """Return the conversation id of the thread under root_id in a channel."""
    return f"{base_conversation(channel_id)}{THREAD_MARK}{root_id}"


def _channel_data(activity: Activity) -> dict[str, Any]:
    data = activity.channel_data
    return data if isinstance(data, dict) else {}


def _nested_id(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return str(value.get("id") or "") if isinstance(value, dict) else ""


def tenant_of(activity: Activity) -> str:
    """Return the tenant id of the activity, or the default workspace name when there is none."""
    conversation_tenant = activity.conversation.tenant_id if activity.conversation else None
    return _nested_id(_channel_data(activity), "tenant") or conversation_tenant or DEFAULT_TENANT


def teams_team_of(activity: Activity) -> str:
    """Return the Teams team id of a channel activity, or ""."""
    return _nested_id(_channel_data(activity), "team")


def teams_team_name(activity: Activity) -> str:
    """Return the Teams team name of a channel activity, or ""."""
    team = _channel_data(activity).get("team")
    return str(team.get("name") or "") if isinstance(team, dict) else ""


def kind_of(activity: Activity) -> str:
    """Return channel, groupChat or personal."""
    conversation = activity.conversation
    kind = (conversation.conversation_type if conversation else None) or ""
    if kind in ("channel", "groupChat", "personal"):
        return kind
    return "groupChat" if conversation and conversation.is_group else "personal"


def actor_of(activity: Activity) -> Actor:
    """Return who sent the activity and where."""
    sender = activity.from_property
    return Actor(
        tenant_id=tenant_of(activity),
        user_id=(sender.id if sender else None) or "",
        aad_object_id=(sender.aad_object_id if sender else None) or "",
        display_name=(sender.name if sender else None) or "",
        conversation_id=base_conversation(
            activity.conversation.id if activity.conversation else ""
        ),
        conversation_kind=kind_of(activity),
        teams_team_id=teams_team_of(activity),
        teams_team_name=teams_team_name(activity),
    )


def command_text(activity: Activity) -> str:
    """Return the message text without @mentions, collapsed to single spaces."""
    return " ".join(MENTION.sub(" ", activity.text or "").split())


def mentions_bot(activity: Activity) -> bool:
    """Return whether the message @mentions the bot."""
    bot_id = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or []:
        mentioned = (entity.additional_properties or {}).get("mentioned") or {}
        if entity.type and entity.type.lower() == "mention" and mentioned.get("id") == bot_id:
            return True
    return False


def card_action(activity: Activity) -> dict[str, Any] | None:
    """Return the data of a Haven card action sent as a message (Action.Submit), if any."""
    value = activity.value
    if isinstance(value, dict) and "haven" in value:
        return value
    return None


def invoke_action(activity: Activity) -> dict[str, Any] | None:
    """Return the data of an adaptiveCard/action invoke (Action.Execute), or None when malformed."""
    value = activity.value
    action = value.get("action") if isinstance(value, dict) else None
    if not isinstance(action, dict) or action.get("type") != "Action.Execute":
        return None
    data = action.get("data")
    data = dict(data) if isinstance(data, dict) else {}
    data.setdefault("haven", action.get("verb") or "")
    return data
