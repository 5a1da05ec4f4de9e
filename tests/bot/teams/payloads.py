"""Bot Framework activities as Teams sends them, shaped after recorded payloads."""

import itertools
from typing import Any

TENANT = "72f988bf-0000-4000-8000-2d7cd011db47"
TEAM = "19:haven-team@thread.tacv2"  # a team's id is its General channel's id
CHANNEL = TEAM
BOT = {"id": "28:haven-bot", "name": "Haven"}
PEOPLE = [
    {"id": "29:alice", "name": "Alice Owner", "aadObjectId": "aad-alice", "userRole": "owner"},
    {"id": "29:bob", "name": "Bob", "aadObjectId": "aad-bob", "userRole": "user"},
    {"id": "29:cara", "name": "Cara", "aadObjectId": "aad-cara", "userRole": "user"},
    {"id": "29:dan", "name": "Dan", "aadObjectId": "aad-dan", "userRole": "user"},
    {"id": "29:eve", "name": "Eve", "aadObjectId": "aad-eve", "userRole": "user"},
]
_ids = itertools.count(1)


def person(user_id: str) -> dict[str, Any]:
    """Return the 'from' of one of the test people."""
    found = next(p for p in PEOPLE if p["id"] == user_id)
    return {"id": found["id"], "name": found["name"], "aadObjectId": found["aadObjectId"]}


def _base(
    kind: str, service_url: str, *, conversation_id: str, sender: str, conversation_type: str
) -> dict[str, Any]:
    team = {"team": {"id": TEAM, "name": "Platform Team"}} if conversation_type == "channel" else {}
    channel = (
        {"channel": {"id": conversation_id.split(";")[0]}} if conversation_type == "channel" else {}
    )
    return {
        "type": kind,
        "id": f"f:{next(_ids)}",
        "timestamp": "2026-11-23T09:55:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": person(sender),
        "recipient": dict(BOT),
        "conversation": {
            "id": conversation_id,
            "conversationType": conversation_type,
            "tenantId": TENANT,
            **({"isGroup": True} if conversation_type != "personal" else {}),
        },
        "channelData": {"tenant": {"id": TENANT}, **team, **channel},
    }


def bot_added(service_url: str, *, sender: str = "29:alice") -> dict[str, Any]:
    """Return the conversationUpdate Teams sends when the bot is added to a team."""
    activity = _base(
        "conversationUpdate",
        service_url,
        conversation_id=CHANNEL,
        sender=sender,
        conversation_type="channel",
    )
    activity["membersAdded"] = [{"id": BOT["id"]}]
    activity["channelData"]["eventType"] = "teamMemberAdded"
    return activity


def bot_removed(service_url: str) -> dict[str, Any]:
    """Return the conversationUpdate Teams sends when the bot is removed from a team."""
    activity = _base(
        "conversationUpdate",
        service_url,
        conversation_id=CHANNEL,
        sender="29:alice",
        conversation_type="channel",
    )
    activity["membersRemoved"] = [{"id": BOT["id"]}]
    activity["channelData"]["eventType"] = "teamMemberRemoved"
    return activity


def installation(service_url: str, action: str) -> dict[str, Any]:
    """Return an installationUpdate (add or remove) in the team."""
    activity = _base(
        "installationUpdate",
        service_url,
        conversation_id=CHANNEL,
        sender="29:alice",
        conversation_type="channel",
    )
    activity["action"] = action
    return activity


def channel_message(
    service_url: str,
    text: str,
    *,
    sender: str = "29:alice",
    thread: str | None = None,
    mention: bool = True,
) -> dict[str, Any]:
    """Return a message in the channel (in a thread when thread is a root message id)."""
    conversation_id = f"{CHANNEL};messageid={thread}" if thread else CHANNEL
    activity = _base(
        "message",
        service_url,
        conversation_id=conversation_id,
        sender=sender,
        conversation_type="channel",
    )
    activity["text"] = f"<at>Haven</at> {text}" if mention else text
    if mention:
        activity["entities"] = [
            {"type": "mention", "text": "<at>Haven</at>", "mentioned": dict(BOT)}
        ]
    return activity


def personal_message(service_url: str, text: str, *, sender: str) -> dict[str, Any]:
    """Return a message in the person's personal chat with the bot."""
    activity = _base(
        "message",
        service_url,
        conversation_id=f"a:personal-{sender}",
        sender=sender,
        conversation_type="personal",
    )
    activity["text"] = text
    return activity


def card_submit(
    service_url: str, data: dict[str, Any], *, sender: str, personal: bool = True
) -> dict[str, Any]:
    """Return the message an Action.Submit sends: no text, the card's data as value."""
    activity = (
        _base(
            "message",
            service_url,
            conversation_id=f"a:personal-{sender}",
            sender=sender,
            conversation_type="personal",
        )
        if personal
        else _base(
            "message",
            service_url,
            conversation_id=CHANNEL,
            sender=sender,
            conversation_type="channel",
        )
    )
    activity["value"] = data
    return activity


def card_execute(
    service_url: str,
    data: dict[str, Any],
    *,
    sender: str,
    conversation_id: str = CHANNEL,
    conversation_type: str = "channel",
) -> dict[str, Any]:
    """Return the invoke an Action.Execute sends (adaptiveCard/action)."""
    activity = _base(
        "invoke",
        service_url,
        conversation_id=conversation_id,
        sender=sender,
        conversation_type=conversation_type,
    )
    activity["name"] = "adaptiveCard/action"
    activity["value"] = {
        "action": {"type": "Action.Execute", "verb": data.get("haven", ""), "data": data},
        "trigger": "manual",
    }
    return activity


def personal_execute(service_url: str, data: dict[str, Any], *, sender: str) -> dict[str, Any]:
    """Return an Action.Execute from a card in the person's personal chat."""
    return card_execute(
        service_url,
        data,
        sender=sender,
        conversation_id=f"a:personal-{sender}",
        conversation_type="personal",
    )


def reaction(
    service_url: str, *, message_id: str, thread: str, sender: str = "29:cara"
) -> dict[str, Any]:
    """Return a messageReaction on a message in a channel thread."""
    activity = _base(
        "messageReaction",
        service_url,
        conversation_id=f"{CHANNEL};messageid={thread}",
        sender=sender,
        conversation_type="channel",
    )
    activity["replyToId"] = message_id
    activity["reactionsAdded"] = [{"type": "like"}]
    return activity


def meeting_start(
    service_url: str, *, meeting_thread: str, start: str = "2026-11-23T09:55:00.000Z"
) -> dict[str, Any]:
    """Return the event Teams sends when a channel meeting starts (in the meeting's chat)."""
    activity = _base(
        "event",
        service_url,
        conversation_id=f"{CHANNEL};messageid={meeting_thread}",
        sender="29:alice",
        conversation_type="channel",
    )
    activity["name"] = "application/vnd.microsoft.meetingStart"
    activity["value"] = {
        "Id": "MCMxOTptZWV0aW5n",
        "JoinUrl": "https://teams.microsoft.com/l/meetup-join/x",
        "Title": "Weekly sync",
        "MeetingType": "Scheduled",
        "StartTime": start,
    }
    activity["channelData"]["meeting"] = {"id": "MCMxOTptZWV0aW5n"}
    return activity
