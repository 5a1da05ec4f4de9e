"""Action ids, view callback ids and button values: the vocabulary of Haven's Block Kit."""

import re
from typing import Annotated

from pydantic import BaseModel, StringConstraints, ValidationError

from rituals.errors import InvalidAnswer

CHECKIN_MOOD = "haven_checkin_mood"  # suffixed _1.._5: action ids are unique within a block
CHECKIN_WORD = "haven_checkin_word"
FAILURE_SHARE = "haven_failure_share"
FEEDBACK_ANSWER = "haven_feedback_answer"
PULSE_SCORE = "haven_pulse_score"  # suffixed _1.._7
RELAY_REPLY = "haven_relay_reply"
HOME_EDIT = "haven_home_edit"
HOME_PAUSE = "haven_home_pause"
HOME_RESUME = "haven_home_resume"
PRIVACY_EXPORT = "haven_privacy_export"
PRIVACY_ERASE = "haven_privacy_erase"

CHECKIN_WORD_VIEW = "haven_checkin_word_view"
FAILURE_STORY_VIEW = "haven_failure_story_view"
FEEDBACK_VIEW = "haven_feedback_view"
RELAY_VIEW = "haven_relay_view"
SETUP_VIEW = "haven_setup_view"
RITUAL_EDIT_VIEW = "haven_ritual_edit_view"
DIGEST_COMMIT_VIEW = "haven_digest_commit_view"
PRIVACY_ERASE_VIEW = "haven_privacy_erase_view"

COMMAND = "/haven"


def value_of(*numbers: int) -> str:
    """Join ids into a button value such as '12:4'."""
    return ":".join(str(number) for number in numbers)


def numbers_in(value: object, count: int) -> tuple[int, ...]:
    """Split a button value into count row ids, refusing anything Haven never wrote."""
    try:
        return ButtonValue.model_validate({"value": value}).numbers(count)
    except ValidationError:
        raise InvalidAnswer(NOT_OURS) from None


def mood_in(value: object) -> int:
    """Return a mood 1–5 sent as one ASCII digit, or raise InvalidAnswer."""
    try:
        return MoodChoice.model_validate({"mood": value}).as_int
    except ValidationError:
        raise InvalidAnswer("Pick how you are arriving: one of the five moods.") from None


def item_key_in(value: object) -> str:
    """Return the key of an anonymous answer as Haven wrote it (32 hex digits), or raise InvalidAnswer."""
    try:
        return ItemKey.model_validate({"key": value}).key
    except ValidationError:
        raise InvalidAnswer(NOT_OURS) from None


def channel_in(value: object) -> str:
    """Return a Slack channel id as the setup modal carries it, or raise InvalidAnswer."""
    if isinstance(value, str) and CHANNEL_ID.match(value):
        return value
    raise InvalidAnswer("This form is not one of Haven's; run `/haven setup` again.")


CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,30}$")
NOT_OURS = "That button is not one of Haven's; please use the latest message."
MAX_ROW_ID = 2**63 - 1  # the largest key SQLite and PostgreSQL hold


class ButtonValue(BaseModel):
    """A button value or modal metadata Haven wrote: row ids joined by ':'."""

    value: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,19}(:[0-9]{1,19}){0,3}$")]

    def numbers(self, count: int) -> tuple[int, ...]:
        """Return exactly count ids, each a key the database can hold."""
        numbers = tuple(int(part) for part in self.value.split(":"))
        if len(numbers) != count or not all(0 < n <= MAX_ROW_ID for n in numbers):
            raise InvalidAnswer(NOT_OURS)
        return numbers


class ItemKey(BaseModel):
    """The key of an anonymous answer in a Reply button or the reply modal's metadata."""

    key: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]


class MoodChoice(BaseModel):
    """A mood as Haven's radio buttons send it: '1' to '5'."""

    mood: Annotated[str, StringConstraints(pattern=r"^[1-5]$")]

    @property
    def as_int(self) -> int:
        """Return the mood as a number."""
        return int(self.mood)
