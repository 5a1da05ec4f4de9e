"""Parse `/haven` command text into what was asked; executing it is the listeners' job."""

import re
from dataclasses import dataclass, field

USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
READ_ONLY = {("help", ""), ("status", ""), ("rituals", ""), ("rituals", "list"), ("leaders", "")}
# What people type when they mean their own data: all of it opens `/haven privacy`.
PRIVACY_PHRASES = ("privacy", "export my data", "my data", "erase me", "forget me", "delete me")

HELP = """*Haven* — psychological-safety rituals for this channel's team.
• `/haven setup` — bind this channel to a team and choose its rituals (admins)
• `/haven status` — the team's setup: time zone, anonymity, leaders, rituals
• `/haven rituals` — list the rituals with their ids
• `/haven rituals add <checkin|failure_celebration|anonymous_feedback|safety_pulse> [cron]` (admins)
• `/haven rituals edit|pause|resume|run <id>` (admins)
• `/haven dashboard` — a one-time link to your dashboard (leaders and admins)
• `/haven leaders` — who gets the weekly digest; `/haven leaders @a @b` sets them (admins)
• `/haven privacy` — get a copy of your data, or erase it
• `/haven retention` — how long the team's answers are kept; `/haven retention <days>` (admins)
Your own data and how anonymity works: open Haven's *Home* tab."""


@dataclass(frozen=True)
class HavenCommand:
    """One `/haven` invocation: a verb, an optional action, and its arguments."""

    verb: str
    action: str = ""
    args: tuple[str, ...] = ()
    users: tuple[str, ...] = field(default=())

    @property
    def needs_admin(self) -> bool:
        """Return whether the command changes anything (only admins may)."""
        if self.verb in ("leaders", "retention"):
            return bool(self.users or self.action)
        return (self.verb, self.action) not in READ_ONLY and self.verb in (
            "setup",
            "rituals",
        )


def parse(text: str) -> HavenCommand:
    """Parse the text after `/haven`; unknown verbs become help."""
    users = tuple(USER_MENTION.findall(text))
    if " ".join((text or "").lower().split()) in PRIVACY_PHRASES:
        return HavenCommand(verb="privacy")
    words = USER_MENTION.sub(" ", text or "").split()
    if not words:
        return HavenCommand(verb="help", users=users)
    verb = words[0].lower()
    if verb not in ("help", "setup", "status", "rituals", "leaders", "retention"):
        return HavenCommand(verb="help", args=tuple(words), users=users)
    action = words[1].lower() if len(words) > 1 else ""
    return HavenCommand(verb=verb, action=action, args=tuple(words[2:]), users=users)
