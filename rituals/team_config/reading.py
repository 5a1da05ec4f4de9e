"""YAML text read safely, refusing a key given twice in one mapping."""

from collections.abc import Hashable
from typing import Any

import yaml

from rituals.team_config.problems import ConfigError

# libyaml's parser when PyYAML was built with it: ten times faster on files of thousands of teams.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """A safe YAML loader that refuses a key given twice in one mapping."""


def _construct_unique_mapping(
    loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, Hashable):
            continue  # the safe loader itself refuses such a key
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def read_yaml(text: str, *, source: str) -> object:
    """Return the YAML document in the text, raising ConfigError when it is not valid YAML."""
    try:
        document = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as error:
        raise ConfigError(source, [_yaml_problem(error)]) from None
    if _expanded_size(document, limit=len(text) + 1000) > len(text) + 1000:
        raise ConfigError(
            source,
            [
                "the file's YAML aliases (*name) expand to far more values than it holds "
                "(a 'YAML bomb'); write the values out instead of repeating aliases"
            ],
        )
    return document


def _expanded_size(document: object, *, limit: int) -> int:
    """Count the values of the document as aliases expand them, stopping past the limit.

    Without aliases a document holds fewer values than its text has characters; a file whose
    aliases nest (a "billion laughs") expands without bound, and every later step would follow.
    """
    count, pending = 0, [document]
    while pending and count <= limit:
        value = pending.pop()
        count += 1
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return count


def _yaml_problem(error: yaml.YAMLError) -> str:
    if not isinstance(error, yaml.MarkedYAMLError):
        return f"invalid YAML: {error}"
    mark = error.problem_mark or error.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    reason = error.problem or error.context or "unreadable"
    if error.problem and error.context and error.context_mark:
        reason += f" ({error.context} from line {error.context_mark.line + 1})"
    if "alias" in reason:
        reason += "; quote a schedule that starts with '*', e.g. \"*/30 9 * * mon\""
    return f"{where}invalid YAML: {reason}"
