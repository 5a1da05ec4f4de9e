"""The shape every Slack request must have before Bolt or a listener reads it: one typed model each."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from slack_bolt.request.internals import parse_body

MAX_BODY_BYTES = 1_000_000  # Slack's largest payloads (a view with 100 blocks) stay well under this
Reference = dict[str, Any] | str | None  # Slack sends a team, user or channel as an object or an id


class Loose(BaseModel):
    """A Slack object: the fields Haven reads are typed, the rest is kept as Slack sent it."""

    model_config = ConfigDict(extra="allow")


class ViewState(Loose):
    """A view's state: block id → action id → the element's value object."""

    values: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)


class View(Loose):
    """A modal or Home view as submitted or closed."""

    id: str | None = None
    type: str | None = None
    callback_id: str | None = None
    private_metadata: str = Field(default="", max_length=3000)
    state: ViewState | None = None


class Action(Loose):
    """One element a person used in a block_actions payload."""

    action_id: str = Field(max_length=255)
    block_id: str | None = Field(default=None, max_length=255)
    value: Any = None  # a listener reads it through ids.numbers_in, which refuses anything odd


class Event(Loose):
    """The event of an event_callback."""

    type: str = Field(default="", max_length=100)
    user: Reference = None
    channel: Reference = None
    ts: str | None = None
    thread_ts: str | None = None
    text: str | None = None
    tab: str | None = None
    subtype: str | None = None
    item: dict[str, Any] | None = None


class Envelope(Loose):
    """What every payload may carry at its top level, each field the type Bolt expects."""

    type: str | None = None
    team: Reference = None
    user: Reference = None
    channel: Reference = None
    enterprise: Reference = None
    container: dict[str, Any] | None = None
    authorizations: list[dict[str, Any]] | None = None
    message: dict[str, Any] | None = None
    trigger_id: str | None = None
    response_url: str | None = None
    callback_id: str | None = None
    event_id: str | None = None


class BlockActions(Envelope):
    """A click on a button or menu of a message, a modal or the Home tab."""

    type: Literal["block_actions"]
    actions: list[Action] = Field(min_length=1, max_length=25)
    view: View | None = None


class ViewSubmission(Envelope):
    """A modal submitted or closed."""

    type: Literal["view_submission", "view_closed"]
    view: View


class EventCallback(Envelope):
    """An Events API delivery."""

    type: Literal["event_callback"]
    team_id: str | None = None
    event: Event


class WorkflowStepEdit(Envelope):
    """A deprecated workflow step's edit click: acknowledged and ignored, but Bolt reads its step."""

    type: Literal["workflow_step_edit"]
    workflow_step: dict[str, Any]


class SlashCommand(Loose):
    """A slash command, form-encoded: every field a string."""

    command: str = Field(max_length=100)
    text: str = Field(default="", max_length=4000)
    team_id: str | None = None
    channel_id: str | None = None
    user_id: str | None = None
    trigger_id: str | None = None


MODELS: dict[str, type[Envelope]] = {
    "block_actions": BlockActions,
    "view_submission": ViewSubmission,
    "view_closed": ViewSubmission,
    "event_callback": EventCallback,
    "workflow_step_edit": WorkflowStepEdit,
}


class Malformed(ValueError):
    """A request body that is not a payload Slack would send."""


def parse_payload(*, body: str, content_type: str) -> dict[str, Any]:
    """Parse a request body as Bolt does and check its shape; raise Malformed when it is wrong."""
    try:
        payload = parse_body(body, content_type)  # exactly as Bolt will parse it
    except (ValueError, RecursionError):
        raise Malformed("the body is not JSON or a form Slack would send") from None
    if not isinstance(payload, dict):
        raise Malformed("the payload is not an object")
    check_shape(payload)
    return payload


def check_shape(payload: dict[str, Any]) -> None:
    """Validate a parsed payload against the model of its type; raise Malformed when it does not fit."""
    model: type[BaseModel] = MODELS.get(str(payload.get("type")), Envelope)
    if "command" in payload:
        model = SlashCommand
    try:
        model.model_validate(payload)
    except (ValidationError, RecursionError) as error:
        raise Malformed(
            f"the {payload.get('type') or 'payload'} does not have Slack's shape"
        ) from (error if isinstance(error, ValidationError) else None)
