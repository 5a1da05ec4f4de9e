"""Pydantic's validation errors, turned into problems a person can fix."""

import difflib
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from rituals.team_config.problems import Location, Problem
from rituals.team_config.schema import TeamsConfig
from rituals.team_config.shown import shown


def validated(document: dict[Any, Any]) -> tuple[TeamsConfig | None, list[Problem]]:
    """Return the validated config and no problems, or None and every problem found."""
    try:
        return TeamsConfig.model_validate(document), []
    except ValidationError as error:
        return None, [_problem(detail) for detail in error.errors()]


def _problem(detail: ErrorDetails) -> Problem:
    location = tuple(detail["loc"])
    if detail["type"] == "invalid_key":  # the location ends with the bad key itself
        return Problem(location[:-1], f"the key {shown(detail['input'])} should be text")
    return Problem(location, _explained(detail))


def _explained(detail: ErrorDetails) -> str:
    kind, value, context = detail["type"], detail["input"], detail.get("ctx", {})
    if kind == "missing":
        return "missing (this key is required)"
    if kind == "extra_forbidden":
        return _unknown_key(detail["loc"])
    if kind == "value_error":
        return str(context["error"])
    if kind == "literal_error":
        return f"{shown(value)} is not allowed; use {context['expected']}"
    if kind == "greater_than_equal":
        return f"{shown(value)} is below the minimum of {context['ge']}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long ({len(value)} characters; at most {context['max_length']})"
    if kind in ("model_type", "dict_type"):
        return f"should be a mapping of keys, not {shown(value)}"
    return f"{detail['msg'].replace('Input should', 'should')}, not {shown(value)}"


def _unknown_key(location: Location) -> str:
    section = _section_at(location[:-1])
    known = list(section.model_fields) if section else []
    guesses = difflib.get_close_matches(str(location[-1]), known, n=1)
    if guesses:
        return f"unknown key (did you mean {guesses[0]!r}?)"
    return f"unknown key; known keys are {', '.join(known)}"


def _section_at(location: Location) -> type[BaseModel] | None:
    section: type[BaseModel] | None = TeamsConfig
    for part in location:
        if isinstance(part, int) or section is None:
            continue
        found = section.model_fields.get(part)
        section = _section_in(found.annotation) if found else None
    return section


def _section_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next(filter(None, (_section_in(arg) for arg in get_args(annotation))), None)
