"""Failure celebration: a weekly thread where people share what went wrong and what it taught them."""

import secrets
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from rituals import outbox
from rituals.anonymous_rows import anonymous_answer, store_shuffled
from rituals.clock import utcnow
from rituals.context import RitualScope, require_open
from rituals.errors import InvalidAnswer
from rituals.messages import AnonymousStoryPost, FailureThreadOpener, RoundSummary
from rituals.ports import NotifierRegistry
from rituals.sentiment import score_text
from rituals.texts import clean_text
from storage.models import Member, Occurrence, Story
from storage.occurrences import anonymous_answers, stories

STORY_PATIENCE = timedelta(hours=1)  # a story shared as the round closes still goes out
DEFAULT_QUESTION = "What didn't go as planned this week, and what did it teach you?"


def opener(scope: RitualScope, occurrence: Occurrence) -> FailureThreadOpener:
    """Build the thread opener."""
    return FailureThreadOpener(
        occurrence_id=occurrence.id,
        question=scope.ritual.question or DEFAULT_QUESTION,
        closes_at=occurrence.closes_at,
    )


def record_story(
    *,
    scope: RitualScope,
    occurrence: Occurrence,
    user_id: str,
    message_ref: str,
    text: str | None,
    display_name: str = "",
) -> Story | None:
    """Count a reply in the thread as a story; a replayed message changes nothing."""
    require_open(occurrence)
    text = clean_text(text)
    if text is None:
        return None
    member = scope.member_answering(user_id=user_id, display_name=display_name)
    story = Story(
        occurrence_id=occurrence.id,
        member_id=member.id,
        message_ref=message_ref,
        text=text,
        sentiment=score_text(text),
        shared_at=utcnow(),
    )
    scope.session.add(story)
    try:
        scope.session.commit()
    except IntegrityError:
        scope.session.rollback()
        return None
    return story


async def share_anonymously(
    *, scope: RitualScope, occurrence: Occurrence, notifiers: NotifierRegistry, text: str | None
) -> None:
    """Store a story without a trace of its author, then have the bot post it in the thread."""
    require_open(occurrence)
    text = clean_text(text)
    if text is None:
        raise InvalidAnswer("An empty story was not shared; write a few words.")
    scope.session.commit()  # whatever the caller loaded stays out of the story's transaction
    post = outbox.Envelope(  # no author: written with the story, in its own transaction
        key=f"{outbox.ANONYMOUS}story:{secrets.token_hex(16)}",
        action="post_in_thread",
        platform=scope.workspace.platform,
        workspace=scope.workspace.external_id,
        channel=scope.team.channel,
        message=AnonymousStoryPost(occurrence_id=occurrence.id, text=text),
        give_up_at=max(occurrence.closes_at, utcnow()) + STORY_PATIENCE,
        ref=occurrence.message_ref,
        ref_from="" if occurrence.message_ref else outbox.prompt_key(occurrence.id),
    )
    story = anonymous_answer(occurrence=occurrence, kind="story", text=text)
    store_shuffled(session=scope.session, occurrence_id=occurrence.id, added=story, posts=[post])
    await outbox.dispatch(scope.session, notifiers)


def add_reactions(
    *, scope: RitualScope, occurrence: Occurrence, message_ref: str, delta: int
) -> None:
    """Count reactions added to (or removed from) a story reply."""
    story = scope.session.exec(
        select(Story).where(Story.occurrence_id == occurrence.id, Story.message_ref == message_ref)
    ).first()
    if story is not None:
        story.reactions = max(0, story.reactions + delta)
        scope.session.add(story)
        scope.session.commit()


def leader_shared(scope: RitualScope, occurrence_ids: list[int]) -> bool:
    """Return whether a leader of the team shared a story by name in these occurrences."""
    named = stories(session=scope.session, occurrence_ids=occurrence_ids)
    leader_ids = {
        m.id
        for m in scope.session.exec(
            select(Member).where(Member.team_id == scope.team.id, Member.is_leader)
        )
    }
    return any(story.member_id in leader_ids for story in named)


def summarize(scope: RitualScope, occurrence: Occurrence) -> RoundSummary:
    """Thank the team with counts: stories shared, anonymously or not, and reactions."""
    named = stories(session=scope.session, occurrence_ids=[occurrence.id])
    anonymous = anonymous_answers(
        session=scope.session, occurrence_ids=[occurrence.id], kind="story"
    )
    total = len(named) + len(anonymous)
    reactions = sum(story.reactions for story in named)
    stories_word = "story" if total == 1 else "stories"
    reactions_word = "reaction" if reactions == 1 else "reactions"
    lines = [
        f"{total} {stories_word} shared ({len(anonymous)} anonymously), "
        f"{reactions} {reactions_word}."
    ]
    lines.append(
        "Thank you for making it normal to talk about what didn't work."
        if total
        else "No stories this week — next week, try going first with a small one."
    )
    return RoundSummary(
        occurrence_id=occurrence.id,
        ritual_kind="failure_celebration",
        title="Failure celebration closed — thank you",
        lines=tuple(lines),
    )
