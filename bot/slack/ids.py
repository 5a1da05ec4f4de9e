"""Action ids, view callback ids and button values: the vocabulary of Haven's Block Kit."""

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


def numbers_in(value: str, count: int) -> tuple[int, ...]:
    """Split a button value into count whole numbers, refusing anything else."""
    parts = value.split(":")
    if len(parts) != count or not all(part.isdigit() for part in parts):
        raise InvalidAnswer("That button is not one of Haven's; please use the latest message.")
    return tuple(int(part) for part in parts)
