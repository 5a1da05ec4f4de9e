"""Modals: what people fill in to answer, share, reply or set Haven up."""

from typing import Any

from bot.slack import ids
from bot.slack.kit import context, escape, input_block, modal, option, section, text_input
from rituals.admin import KIND_LABELS
from rituals.messages import MOOD_LABELS
from rituals.next_step import MAX_COMMITMENT_LENGTH
from rituals.texts import MAX_WORD_LENGTH
from storage.models import RITUAL_KINDS, Ritual

View = dict[str, Any]


def notice(title: str, text: str) -> View:
    """Return a modal that only tells something."""
    return modal(
        callback_id="haven_notice", title=title, blocks=[section(escape(text))], submit=None
    )


def checkin_word(*, occurrence_id: int) -> View:
    """Return the check-in modal: a mood and one word or sentence."""
    return modal(
        callback_id=ids.CHECKIN_WORD_VIEW,
        title="Check-in",
        private_metadata=str(occurrence_id),
        blocks=[
            input_block(
                block_id="mood",
                label="How are you arriving?",
                element={
                    "type": "radio_buttons",
                    "action_id": "value",
                    "options": [
                        option(f"{n} · {label}", str(n)) for n, label in MOOD_LABELS.items()
                    ],
                },
            ),
            input_block(
                block_id="word",
                label="One word or one sentence",
                element=text_input(
                    max_length=MAX_WORD_LENGTH, placeholder="e.g. focused, tired, curious"
                ),
                optional=True,
            ),
        ],
    )


def failure_story(*, occurrence_id: int) -> View:
    """Return the anonymous story modal; its metadata is the occurrence id and nothing else."""
    return modal(
        callback_id=ids.FAILURE_STORY_VIEW,
        title="Share anonymously",
        submit="Share",
        private_metadata=str(occurrence_id),
        blocks=[
            input_block(
                block_id="story",
                label="What didn't go as planned, and what did it teach you?",
                element=text_input(multiline=True),
            ),
            context("Haven posts your story in the thread itself. Nothing links it to you."),
        ],
    )


def feedback_answer(
    *, occurrence_id: int, question: str, threshold: int, replies_possible: bool
) -> View:
    """Return the anonymous feedback modal; its metadata is the occurrence id and nothing else."""
    blocks: list[dict[str, Any]] = [
        section(f"*{escape(question)}*"),
        input_block(block_id="answer", label="Your answer", element=text_input(multiline=True)),
    ]
    if replies_possible:
        blocks.append(
            input_block(
                block_id="replies",
                label="Replies",
                optional=True,
                element={
                    "type": "checkboxes",
                    "action_id": "value",
                    "options": [option("Let leaders reply (through Haven)", "yes")],
                },
                hint="Haven seals your address so it can pass a reply on; leaders never learn who you are.",
            )
        )
    blocks.append(
        context(
            f"Stored without your name or Slack id. Leaders see answers only once {threshold} "
            "exist, shuffled, in one batch. You can answer once."
        )
    )
    return modal(
        callback_id=ids.FEEDBACK_VIEW,
        title="Anonymous answer",
        private_metadata=str(occurrence_id),
        blocks=blocks,
    )


def relay_reply(*, item_key: str, excerpt: str) -> View:
    """Return the leader's reply modal for one anonymous answer."""
    return modal(
        callback_id=ids.RELAY_VIEW,
        title="Reply anonymously",
        private_metadata=item_key,
        blocks=[
            section(f"> {escape(excerpt[:500])}"),
            input_block(block_id="reply", label="Your reply", element=text_input(multiline=True)),
            context("Haven passes your reply to the author. You will not learn who they are."),
        ],
    )


def setup(
    *,
    channel: str,
    team_name: str,
    timezone: str,
    kinds: set[str],
    mode: str,
    leaders: list[str],
) -> View:
    """Return the setup modal that binds a channel to a team and chooses its rituals."""
    kind_options = [option(KIND_LABELS[kind], kind) for kind in RITUAL_KINDS]
    rituals: dict[str, Any] = {"type": "checkboxes", "action_id": "value", "options": kind_options}
    chosen = [o for o in kind_options if o["value"] in kinds]
    if chosen:
        rituals["initial_options"] = chosen
    modes = [
        option("Shared in the thread", "shared"),
        option("Private (aggregate only)", "private"),
    ]
    leader_select: dict[str, Any] = {"type": "multi_users_select", "action_id": "value"}
    if leaders:
        leader_select["initial_users"] = leaders
    return modal(
        callback_id=ids.SETUP_VIEW,
        title="Set up Haven",
        submit="Save",
        private_metadata=channel,
        blocks=[
            input_block(
                block_id="team_name",
                label="Team name",
                element=text_input(max_length=200, initial=team_name),
            ),
            input_block(
                block_id="timezone",
                label="Time zone (IANA, e.g. Europe/Berlin)",
                element=text_input(max_length=64, initial=timezone),
            ),
            input_block(block_id="rituals", label="Rituals", element=rituals, optional=True),
            input_block(
                block_id="mode",
                label="Check-in answers",
                element={
                    "type": "radio_buttons",
                    "action_id": "value",
                    "options": modes,
                    "initial_option": modes[0] if mode != "private" else modes[1],
                },
            ),
            input_block(
                block_id="leaders",
                label="Leaders (receive the weekly digest)",
                element=leader_select,
                optional=True,
            ),
        ],
    )


def ritual_edit(ritual: Ritual) -> View:
    """Return the modal that edits one ritual's schedule, question, window and mode."""
    blocks = [
        input_block(
            block_id="schedule",
            label="Schedule (cron, team's time zone)",
            element=text_input(max_length=100, initial=ritual.schedule),
            hint="Five fields: minute hour day month weekday, e.g. 55 9 * * mon",
        ),
        input_block(
            block_id="question",
            label="Question",
            element=text_input(multiline=True, max_length=1000, initial=ritual.question),
            optional=True,
        ),
        input_block(
            block_id="window",
            label="Answer window in minutes (empty = default)",
            element=text_input(
                max_length=6, initial=str(ritual.window_minutes) if ritual.window_minutes else ""
            ),
            optional=True,
        ),
    ]
    if ritual.kind == "checkin":
        modes = [option("Shared in the thread", "shared"), option("Private", "private")]
        blocks.append(
            input_block(
                block_id="mode",
                label="Answers",
                element={
                    "type": "radio_buttons",
                    "action_id": "value",
                    "options": modes,
                    "initial_option": modes[1] if ritual.mode == "private" else modes[0],
                },
            )
        )
    return modal(
        callback_id=ids.RITUAL_EDIT_VIEW,
        title=f"Edit {KIND_LABELS[ritual.kind]}"[:24],
        submit="Save",
        private_metadata=str(ritual.id),
        blocks=blocks,
    )


def submitted(view: dict[str, Any], block_id: str) -> Any:
    """Return the value a person gave in one input block of a submitted view (None when empty).

    Only the types Slack sends come back: a string, or a list of strings; anything else is None.
    """
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    block = values.get(block_id) if isinstance(values, dict) else None
    element = block.get("value") if isinstance(block, dict) else None
    if not isinstance(element, dict):
        return None
    kind = element.get("type")
    if kind == "plain_text_input":
        return _text(element.get("value"))
    if kind in ("radio_buttons", "static_select"):
        selected = element.get("selected_option")
        return _text(selected.get("value")) if isinstance(selected, dict) else None
    if kind == "checkboxes":
        options = element.get("selected_options")
        chosen = (
            [o.get("value") for o in options if isinstance(o, dict)]
            if isinstance(options, list)
            else []
        )
        return [value for value in chosen if isinstance(value, str)]
    if kind == "multi_users_select":
        users = element.get("selected_users")
        return [u for u in users if isinstance(u, str)] if isinstance(users, list) else []
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def digest_commitment(*, team_id: int, iso_week: str) -> View:
    """Return the modal where a leader writes what they will do after this week's digest."""
    return modal(
        callback_id=ids.DIGEST_COMMIT_VIEW,
        title="This week I will…",
        submit="Save",
        private_metadata=f"{team_id}:{iso_week}",
        blocks=[
            input_block(
                block_id="commitment",
                label="One thing you will do this week",
                element=text_input(multiline=True, max_length=MAX_COMMITMENT_LENGTH),
            ),
            context("Next week's digest shows it beside how the team's signals moved."),
        ],
    )
