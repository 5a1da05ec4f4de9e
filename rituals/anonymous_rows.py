"""Anonymous answer rows: a random key, the day only, and nothing that points to the author."""

from rituals.anonymity import new_anonymous_key
from rituals.clock import utcnow
from rituals.sentiment import score_text
from storage.models import AnonymousAnswer


def anonymous_answer(
    *, occurrence_id: int, kind: str, text: str, reply_seal: str | None = None
) -> AnonymousAnswer:
    """Build an anonymous answer scored for sentiment and dated to the day."""
    return AnonymousAnswer(
        key=new_anonymous_key(),
        occurrence_id=occurrence_id,
        kind=kind,
        text=text,
        sentiment=score_text(text),
        answered_on=utcnow().date(),
        reply_seal=reply_seal,
    )
