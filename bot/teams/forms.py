"""Adaptive Card forms for Haven's chat commands: help, setup, rituals, leaders, status."""

from collections.abc import Sequence
from typing import Any

from bot.teams.cards import Card, card, execute, note, run, show_card, text, title, typed
from rituals.admin import DEFAULT_SCHEDULES, KIND_LABELS
from rituals.scheduling import WEEKDAYS
from storage.models import RITUAL_KINDS, Ritual, Team
from storage.models_teams import TeamsRosterMember

COMMANDS = (
    ("help", "What Haven does and the commands it knows."),
    ("setup", "Make this channel a Haven team: name, time zone, working days, anonymity."),
    (
        "rituals",
        "List the team's rituals; `rituals add KIND [cron]`, `rituals edit|pause|resume|run ID`.",
    ),
    ("leaders", "Choose who receives the weekly digest and may reply to anonymous feedback."),
    ("status", "Show the team's setup in a few lines."),
    ("privacy", "In our personal chat: get a copy of your data, or erase it."),
    ("retention", "How long the team's answers are kept; `retention DAYS` sets it."),
    ("dashboard", "A one-time link to your dashboard: your teams over time (leaders and admins)."),
)


def _input(input_id: str, label: str, value: str = "", **extra: Any) -> dict[str, Any]:
    return {"type": "Input.Text", "id": input_id, "label": label, "value": value, **extra}


def _choices(
    input_id: str, label: str, options: Sequence[tuple[str, str]], value: str, **extra: Any
) -> dict[str, Any]:
    return {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "label": label,
        "value": value,
        "choices": [{"title": shown, "value": kept} for kept, shown in options],
        **extra,
    }


def named_title(value: str) -> dict[str, Any]:
    """Return a card title that holds a name someone typed (a team's, a ritual's): never markdown."""
    return typed(value, weight="Bolder", size="Medium")


def help_card() -> Card:
    """Return the list of commands."""
    lines = [text(f"**{name}** — {what}") for name, what in COMMANDS]
    return card(
        [
            title("Haven — psychological-safety rituals"),
            text("In a channel, mention me: `@Haven status`. In our personal chat, just type."),
            *lines,
            note("Only Haven admins and the team's owners can change the setup."),
        ]
    )


def setup_form(*, team: Team | None, suggested_name: str) -> Card:
    """Return the form that binds this channel to a team (or updates it)."""
    days = team.working_days if team else ",".join(WEEKDAYS[:5])
    body = [
        named_title("Set up Haven for this channel" if team is None else f"Team {team.name}"),
        _input(
            "name",
            "Team name",
            team.name if team else suggested_name,
            isRequired=True,
            maxLength=200,
        ),
        _input(
            "timezone", "Time zone (IANA, e.g. Europe/Berlin)", team.timezone if team else "UTC"
        ),
        _choices(
            "working_days",
            "Working days",
            [(day, day.capitalize()) for day in WEEKDAYS],
            days,
            isMultiSelect=True,
        ),
        _input(
            "threshold",
            "Anonymity threshold k (at least 3; empty keeps 3 for numbers, 5 for texts)",
            "",
        ),
    ]
    return card(body, [execute("Save", "setup")])


def _ritual_fields(ritual: Ritual | None) -> list[dict[str, Any]]:
    kind = ritual.kind if ritual else "checkin"
    fields = [
        _input("schedule", "Schedule (cron, team time zone)", ritual.schedule if ritual else ""),
        _input(
            "question",
            "Question (empty = Haven's default)",
            ritual.question if ritual else "",
            maxLength=1000,
        ),
    ]
    if kind == "checkin":
        fields.append(
            _choices(
                "mode",
                "Answers",
                [("shared", "Shared in the thread"), ("private", "Private")],
                ritual.mode if ritual else "shared",
            )
        )
    if ritual is not None:
        fields.append(
            _input(
                "window_minutes",
                "Answer window in minutes (empty = default)",
                str(ritual.window_minutes or ""),
            )
        )
    return fields


def rituals_card(*, team: Team, rituals: Sequence[Ritual]) -> Card:
    """Return the team's rituals with pause/resume, run, edit buttons and an 'add' form."""
    body: list[dict[str, Any]] = [named_title(f"Rituals of {team.name}")]
    if not rituals:
        body.append(text("No rituals yet."))
    for ritual in rituals:
        state = " — paused" if ritual.paused else ""
        toggle = (
            execute("Resume", "ritual_resume", ritual_id=ritual.id)
            if ritual.paused
            else execute("Pause", "ritual_pause", ritual_id=ritual.id)
        )
        # The edit form is fetched on click: inlining every ritual's question could outgrow 28 KB.
        edit = execute("Edit", "ritual_edit_form", ritual_id=ritual.id)
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [
                    typed(
                        run(f"{ritual.id}. {ritual.name}", weight="Bolder"),
                        f" ({KIND_LABELS.get(ritual.kind, ritual.kind)}) {ritual.schedule}{state}",
                    ),
                    {
                        "type": "ActionSet",
                        "actions": [
                            toggle,
                            execute("Run now", "ritual_run", ritual_id=ritual.id),
                            edit,
                        ],
                    },
                ],
            }
        )
    kinds = [
        (kind, f"{KIND_LABELS[kind]} (default `{DEFAULT_SCHEDULES[kind]}`)")
        for kind in RITUAL_KINDS
    ]
    add_form = [_choices("kind", "Ritual", kinds, "checkin"), *_ritual_fields(None)]
    return card(body, [show_card("Add a ritual", add_form, [execute("Add", "ritual_add")])])


def edit_form(ritual: Ritual) -> Card:
    """Return the form that edits one ritual."""
    return card(
        [named_title(f"Edit {ritual.name}"), *_ritual_fields(ritual)],
        [execute("Save", "ritual_edit", ritual_id=ritual.id)],
    )


def leaders_form(
    *, team: Team, people: Sequence[TeamsRosterMember], leader_ids: Sequence[str]
) -> Card:
    """Return the form that chooses the team's leaders from its roster."""
    if not people:
        return card(
            [
                named_title(f"Leaders of {team.name}"),
                text("Haven has not read this team's roster yet; try again in a minute."),
            ]
        )
    options = [(person.user_id, person.display_name or person.user_id) for person in people]
    return card(
        [
            named_title(f"Leaders of {team.name}"),
            note("Leaders receive the weekly digest and may reply to anonymous feedback."),
            _choices("leaders", "Leaders", options, ",".join(leader_ids), isMultiSelect=True),
        ],
        [execute("Save", "leaders")],
    )


def status_card(lines: Sequence[str]) -> Card:
    """Return the team's setup in a few lines."""
    return card([title("Haven status"), *(typed(line) for line in lines)])


def welcome_card(*, kind: str) -> Card:
    """Return the greeting posted when Haven joins a conversation."""
    if kind == "personal":
        return card(
            [
                title("Hi, I'm Haven"),
                text(
                    "I'll bring you your team's anonymous questions and the weekly safety pulse here. "
                    "Answers to anonymous questions are stored without your name."
                ),
            ]
        )
    return card(
        [
            title("Hi, I'm Haven"),
            text(
                "I run short rituals that make it safer to speak up: check-ins, failure "
                "celebrations, anonymous feedback and a safety pulse."
            ),
            text(
                "A Haven admin or a team owner can start with **@Haven setup**; **@Haven help** lists the rest."
            ),
        ]
    )
