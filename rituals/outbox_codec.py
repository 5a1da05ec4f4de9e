"""Messages as JSON for the outbox: each dataclass by its name, bytes as base64, kinds kept."""

import base64
import dataclasses
import json
import typing
from datetime import date, datetime
from typing import Any

from rituals import messages

Registry = dict[str, type]


def _dataclasses_in(hint: Any, found: Registry) -> None:
    """Collect every dataclass a type hint can hold, recursively."""
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if hint.__name__ in found:
            return
        found[hint.__name__] = hint
        for field_hint in typing.get_type_hints(hint).values():
            _dataclasses_in(field_hint, found)
        return
    for argument in typing.get_args(hint):
        _dataclasses_in(argument, found)


def _registry() -> Registry:
    found: Registry = {}
    _dataclasses_in(messages.Message, found)
    return found


REGISTRY = _registry()


def _plain(value: Any) -> Any:
    """Return value as JSON-able data, tagging what JSON cannot tell apart."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if REGISTRY.get(name) is not type(value):
            raise TypeError(f"{name} is not a message the outbox knows")
        fields = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"@type": name, "fields": fields}
    if isinstance(value, datetime):
        return {"@datetime": value.isoformat()}
    if isinstance(value, date):
        return {"@date": value.isoformat()}
    if isinstance(value, bytes):
        return {"@bytes": base64.b64encode(value).decode()}
    if isinstance(value, tuple):
        return {"@tuple": [_plain(item) for item in value]}
    if isinstance(value, frozenset):
        return {"@frozenset": sorted((_plain(item) for item in value), key=repr)}
    if isinstance(value, dict):
        return {"@dict": [[_plain(k), _plain(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"the outbox cannot store a {type(value).__name__}")


def _value(data: Any) -> Any:
    """Rebuild a value from _plain's data."""
    if isinstance(data, list):
        return [_value(item) for item in data]
    if not isinstance(data, dict):
        return data
    if "@type" in data:
        kind = REGISTRY.get(data["@type"])
        if kind is None:
            raise ValueError(f"unknown message type {data['@type']!r} in the outbox")
        return kind(**{name: _value(item) for name, item in data["fields"].items()})
    tag, content = next(iter(data.items()))
    decoders: dict[str, Any] = {
        "@datetime": datetime.fromisoformat,
        "@date": date.fromisoformat,
        "@bytes": lambda text: base64.b64decode(text.encode()),
        "@tuple": lambda items: tuple(_value(item) for item in items),
        "@frozenset": lambda items: frozenset(_value(item) for item in items),
        "@dict": lambda pairs: {_value(k): _value(v) for k, v in pairs},
    }
    return decoders[tag](content)


def encode(message: messages.Message) -> str:
    """Return the message as JSON text."""
    return json.dumps(_plain(message), separators=(",", ":"))


def decode(text: str) -> messages.Message:
    """Return the message encoded in text."""
    return typing.cast(messages.Message, _value(json.loads(text)))
