"""Turn a typed command ("rituals pause 3") into the card action it stands for."""

from typing import Any

RITUAL_VERBS = {
    "add": "ritual_add",
    "edit": "ritual_edit_form",
    "pause": "ritual_pause",
    "resume": "ritual_resume",
    "run": "ritual_run",
}
SIMPLE = {
    "help": "help",
    "setup": "setup_form",
    "status": "status",
    "leaders": "leaders_form",
    "privacy": "privacy",
    "retention": "retention",
    "dashboard": "dashboard",
}
# What people type when they mean their own data: all of it opens the privacy card.
PRIVACY_PHRASES = ("export my data", "my data", "erase me", "forget me", "delete me")


def parse_command(text: str) -> dict[str, Any] | None:
    """Return the action data of a command, or None when it is not one Haven knows."""
    words = text.split()
    if not words:
        return {"haven": "help"}
    head = words[0].lower().lstrip("/")
    if " ".join(words).lower() in PRIVACY_PHRASES:
        return {"haven": "privacy"}
    if head in SIMPLE and len(words) == 1:
        return {"haven": SIMPLE[head]}
    if head == "retention" and len(words) == 2:
        return {"haven": "retention_set", "days": words[1]}
    if head != "rituals":
        return None
    verb = words[1].lower() if len(words) > 1 else "list"
    if verb == "list":
        return {"haven": "rituals"}
    if verb not in RITUAL_VERBS:
        return None
    if verb == "add":
        return {
            "haven": "ritual_add",
            "kind": words[2] if len(words) > 2 else "",
            "schedule": " ".join(words[3:]),
        }
    return {"haven": RITUAL_VERBS[verb], "ritual_id": words[2] if len(words) > 2 else ""}


def unknown_command(text: str) -> str:
    """Return the answer to a command Haven does not know."""
    return f"I don't know '{text[:60]}'. Type help for the commands."
