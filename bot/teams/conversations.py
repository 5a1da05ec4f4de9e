"""Stored conversation references and rosters: what lets Haven post in Teams without being spoken to."""

import json
from collections.abc import Sequence
from dataclasses import dataclass

from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, ConversationReference
from sqlmodel import Session, select

from bot.teams.activities import base_conversation, kind_of, teams_team_of, tenant_of
from storage.models_teams import TeamsConversation, TeamsRosterMember


@dataclass(frozen=True)
class RosterEntry:
    """One person as the Teams roster lists them."""

    user_id: str
    display_name: str
    aad_object_id: str = ""
    is_owner: bool = False


def reference_of(activity: Activity) -> ConversationReference:
    """Return the reference to keep for an activity's conversation: no message id, no channel speaker."""
    kind = kind_of(activity)
    conversation = activity.conversation
    return ConversationReference(
        channel_id=activity.channel_id,
        service_url=activity.service_url,
        bot=activity.recipient,
        user=activity.from_property if kind == "personal" else None,
        conversation=ConversationAccount(
            id=base_conversation(conversation.id),
            conversation_type=kind,
            is_group=kind != "personal",
            tenant_id=tenant_of(activity),
        ),
    )


def loaded(row: TeamsConversation) -> ConversationReference:
    """Return the stored reference of a conversation."""
    return ConversationReference().deserialize(json.loads(row.reference))


def remember(*, session: Session, activity: Activity) -> TeamsConversation | None:
    """Store or refresh the reference of the activity's conversation; None when it has no address."""
    if not (activity.conversation and activity.conversation.id and activity.service_url):
        return None
    reference = reference_of(activity)
    conversation_id = reference.conversation.id
    row = session.get(TeamsConversation, conversation_id)
    fresh = {
        "tenant_id": reference.conversation.tenant_id,
        "team_id": teams_team_of(activity) or (row.team_id if row else ""),
        "user_id": (activity.from_property.id or "")
        if reference.conversation.conversation_type == "personal" and activity.from_property
        else (row.user_id if row else ""),
        "service_url": activity.service_url,
        "reference": json.dumps(reference.serialize(), sort_keys=True),
        "bot_removed": False,
    }
    if row is not None and all(getattr(row, key) == value for key, value in fresh.items()):
        return row  # unchanged: no write on every message
    row = row or TeamsConversation(
        conversation_id=conversation_id, kind=reference.conversation.conversation_type
    )
    for key, value in fresh.items():
        setattr(row, key, value)
    session.add(row)
    session.commit()
    return row


def store_personal(
    *, session: Session, user_id: str, tenant_id: str, reference: ConversationReference
) -> TeamsConversation:
    """Store the reference of a personal chat the bot created with one person."""
    row = TeamsConversation(
        conversation_id=reference.conversation.id,
        tenant_id=tenant_id,
        kind="personal",
        user_id=user_id,
        service_url=reference.service_url,
        reference=json.dumps(reference.serialize(), sort_keys=True),
    )
    session.merge(row)
    session.commit()
    return row


def personal_reference(
    *, bot: ChannelAccount, user_id: str, conversation_id: str, service_url: str, tenant_id: str
) -> ConversationReference:
    """Return the reference of a newly created personal chat."""
    return ConversationReference(
        channel_id="msteams",
        service_url=service_url,
        bot=bot,
        user=ChannelAccount(id=user_id),
        conversation=ConversationAccount(
            id=conversation_id, conversation_type="personal", is_group=False, tenant_id=tenant_id
        ),
    )


def find_conversation(*, session: Session, conversation_id: str) -> TeamsConversation | None:
    """Return the stored conversation, if any."""
    return session.get(TeamsConversation, base_conversation(conversation_id))


def personal_chat(*, session: Session, user_id: str) -> TeamsConversation | None:
    """Return the stored personal chat with a person, if any."""
    return session.exec(
        select(TeamsConversation).where(
            TeamsConversation.kind == "personal",
            TeamsConversation.user_id == user_id,
            TeamsConversation.bot_removed == False,  # noqa: E712
        )
    ).first()


def forget(*, session: Session, conversation_id: str) -> None:
    """Drop a stored conversation (a personal chat the person closed)."""
    row = session.get(TeamsConversation, conversation_id)
    if row is not None:
        session.delete(row)
        session.commit()


def mark_removed(*, session: Session, conversation_id: str) -> TeamsConversation | None:
    """Record that the bot is no longer in the conversation."""
    row = session.get(TeamsConversation, base_conversation(conversation_id))
    if row is not None:
        row.bot_removed = True
        session.add(row)
        session.commit()
    return row


def conversation_of_roster(*, session: Session, roster_id: str) -> TeamsConversation | None:
    """Return a live conversation of a team (or the chat) whose roster this is."""
    return session.exec(
        select(TeamsConversation)
        .where(
            (TeamsConversation.team_id == roster_id)
            | (TeamsConversation.conversation_id == roster_id),
            TeamsConversation.bot_removed == False,  # noqa: E712
        )
        .order_by(TeamsConversation.conversation_id)
    ).first()


def roster_id_of(row: TeamsConversation) -> str:
    """Return the roster a conversation draws its people from: its Teams team, else itself."""
    return row.team_id or row.conversation_id


def save_roster(
    *,
    session: Session,
    roster_id: str,
    tenant_id: str,
    people: Sequence[RosterEntry],
    complete: bool,
) -> None:
    """Store who is in a roster; a complete list also removes who is no longer there."""
    current = {
        row.user_id: row
        for row in session.exec(
            select(TeamsRosterMember).where(TeamsRosterMember.roster_id == roster_id)
        )
    }
    for person in people:
        row = current.pop(person.user_id, None) or TeamsRosterMember(
            roster_id=roster_id, user_id=person.user_id
        )
        row.tenant_id = tenant_id
        row.display_name = person.display_name or row.display_name
        row.aad_object_id = person.aad_object_id or row.aad_object_id
        row.is_owner = person.is_owner
        session.add(row)
    if complete:
        for gone in current.values():
            session.delete(gone)
    session.commit()


def drop_from_roster(*, session: Session, roster_id: str, user_ids: Sequence[str]) -> None:
    """Remove people who left a team from its roster."""
    for user_id in user_ids:
        row = session.get(TeamsRosterMember, (roster_id, user_id))
        if row is not None:
            session.delete(row)
    session.commit()


def roster(*, session: Session, roster_id: str) -> Sequence[TeamsRosterMember]:
    """Return the people of a roster, by name."""
    return session.exec(
        select(TeamsRosterMember)
        .where(TeamsRosterMember.roster_id == roster_id)
        .order_by(TeamsRosterMember.display_name)
    ).all()


def rosters_of_person(*, session: Session, user_id: str) -> Sequence[TeamsRosterMember]:
    """Return every roster entry of a person."""
    return session.exec(select(TeamsRosterMember).where(TeamsRosterMember.user_id == user_id)).all()


def is_owner(*, session: Session, roster_id: str, user_id: str) -> bool:
    """Return whether the roster lists the person as an owner of the team."""
    row = session.get(TeamsRosterMember, (roster_id, user_id))
    return bool(row and row.is_owner)
