"""The data of a Haven card action or command, checked at the edge: one typed model, stated limits."""

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from rituals.errors import InvalidAnswer
from rituals.texts import BROKEN_CHARACTER, MAX_TEXT_LENGTH

MAX_ROW_ID = 2**63 - 1  # the largest key SQLite and PostgreSQL hold
ASCII_NUMBER = re.compile(r"^[0-9]{1,19}$")
PULSE_KEY = re.compile(r"^item_[^a-z]")  # item_key is the relay's, not a pulse statement
PULSE_ITEM = re.compile(r"^item_[1-7]$")


def _whole(value: Any) -> Any:
    """Accept a number as Haven's cards send it: an int, or ASCII digits typed into a field."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, str):
        value = value.strip()
        if not ASCII_NUMBER.match(value):
            raise ValueError("not a whole number")
        return int(value)
    return value


def _optional_text(value: Any) -> Any:
    return None if value == "" else value


RowId = Annotated[int, BeforeValidator(_whole), Field(ge=1, le=MAX_ROW_ID, strict=True)]
Mood = Annotated[int, BeforeValidator(_whole), Field(ge=1, le=5, strict=True)]
Score = Annotated[int, BeforeValidator(_whole), Field(ge=1, le=7, strict=True)]
Count = Annotated[int, BeforeValidator(_whole), Field(ge=0, le=100_000, strict=True)]
Text = Annotated[str, Field(max_length=MAX_TEXT_LENGTH, strict=True)]
Line = Annotated[str, Field(max_length=200, strict=True)]


class CardData(BaseModel):
    """Everything a Haven card or command may send; each field typed, each text within its limit."""

    model_config = ConfigDict(extra="ignore")

    haven: Annotated[str, Field(max_length=40, strict=True)]
    occurrence_id: Annotated[RowId | None, BeforeValidator(_optional_text)] = None
    ritual_id: Annotated[RowId | None, BeforeValidator(_optional_text)] = None
    team_id: Annotated[RowId | None, BeforeValidator(_optional_text)] = None
    mood: Annotated[Mood | None, BeforeValidator(_optional_text)] = None
    text: Text | None = None
    story: Text | None = None
    reply: Text | None = None
    commitment: Text | None = None
    question: Annotated[str, Field(max_length=1000, strict=True)] | None = None
    allow_replies: Annotated[str, Field(pattern="^(true|false)$")] | bool | None = None
    item_key: Annotated[str, Field(pattern="^[0-9a-f]{32}$")] | None = None
    iso_week: Annotated[str, Field(pattern=r"^[0-9]{4}-W[0-9]{2}$")] | None = None
    name: Line | None = None
    timezone: Annotated[str, Field(max_length=64, strict=True)] | None = None
    working_days: Line | None = None
    threshold: Annotated[Count | None, BeforeValidator(_optional_text)] = None
    days: Annotated[Count | None, BeforeValidator(_optional_text)] = None
    window_minutes: Annotated[Count | None, BeforeValidator(_optional_text)] = None
    schedule: Annotated[str, Field(max_length=100, strict=True)] | None = None
    mode: Annotated[str, Field(max_length=20, strict=True)] | None = None
    kind: Annotated[str, Field(max_length=40, strict=True)] | None = None
    leaders: Annotated[str, Field(max_length=20_000, strict=True)] | None = None
    items: dict[str, Score | None] = Field(default_factory=dict)


LABELS = {
    "text": "answer",
    "story": "story",
    "reply": "reply",
    "occurrence_id": "ritual round",
    "ritual_id": "ritual",
    "mood": "mood",
    "items": "pulse answer",
}


def checked(data: dict[str, Any]) -> dict[str, Any]:
    """Return card data with every field Haven reads checked and typed; raise InvalidAnswer if not."""
    items = {key: value for key, value in data.items() if PULSE_KEY.match(key)}
    if any(not PULSE_ITEM.match(key) for key in items):
        raise InvalidAnswer("This card asks about a statement Haven does not have.")
    try:
        model = CardData.model_validate(
            {**data, "items": {k: _optional_text(v) for k, v in items.items()}}
        )
    except (ValidationError, RecursionError) as error:
        raise InvalidAnswer(_explain(error)) from None
    typed = model.model_dump(exclude_none=True, exclude={"items"})
    typed.update({key: str(score) for key, score in model.items.items() if score is not None})
    return typed


def _explain(error: Exception) -> str:
    if not isinstance(error, ValidationError):
        return "Haven could not read this card."
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "card"
    what = LABELS.get(field, field.replace("_", " "))
    if field == "mood":
        return "A mood is a whole number from 1 to 5; please pick one on the card."
    if first["type"] == "string_unicode":
        return f"Your {what} was not stored: the text contains {BROKEN_CHARACTER}. Please type it again."
    if first["type"] == "string_too_long":
        limit = first.get("ctx", {}).get("max_length")
        return f"The {what} is too long: at most {limit} characters, please shorten it."
    return f"Haven could not read the {what} on this card; please use the latest card."
