"""How a value from the file appears in a message to a person."""


def shown(value: object) -> str:
    """Return the value as a person reads it in a problem or a change, at most 60 characters."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
