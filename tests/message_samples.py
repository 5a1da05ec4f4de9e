"""One instance of every core message, for checking that each platform renders them all."""

from datetime import UTC, datetime

from rituals.messages import (
    AnonymousStoryPost,
    CheckinPrompt,
    FailureThreadOpener,
    FeedbackBatch,
    FeedbackPrompt,
    LeaderReply,
    PulseItem,
    PulsePrompt,
    Reminder,
    RoundSummary,
    SharedCheckin,
)

CLOSES = datetime(2026, 11, 23, 13, 55, tzinfo=UTC)
EVERY_MESSAGE = [
    CheckinPrompt(occurrence_id=1, question="How are you?", mode="shared", closes_at=CLOSES),
    SharedCheckin(occurrence_id=1, display_name="<Ana & co>", mood=4, text="*bold*"),
    FailureThreadOpener(occurrence_id=2, question="What broke?", closes_at=CLOSES),
    AnonymousStoryPost(occurrence_id=2, text="I skipped the tests."),
    FeedbackPrompt(occurrence_id=3, question="What is hard?", threshold=5, closes_at=CLOSES),
    PulsePrompt(
        occurrence_id=4,
        items=(PulseItem(number=2, statement="We raise problems."),),
        closes_at=CLOSES,
    ),
    Reminder(occurrence_id=4, ritual_kind="safety_pulse", text="Still open."),
    RoundSummary(occurrence_id=1, ritual_kind="checkin", title="Closed", lines=("3 of 5",)),
    FeedbackBatch(
        occurrence_id=3,
        question="What is hard?",
        items=(("k1", "Deadlines."),),
        replyable=frozenset({"k1"}),
    ),
    LeaderReply(question="What is hard?", answer_excerpt="Deadlines.", reply="Let's talk."),
]
