"""Errors the core raises with a message fit to show a person."""


class HavenError(Exception):
    """An error whose message is one clear line for the person who caused it."""


class NotFound(HavenError):
    """A team, ritual or occurrence that does not exist."""


class InvalidAnswer(HavenError):
    """An answer outside the ritual's scale or to a closed occurrence."""


class PlatformUnavailable(HavenError):
    """A platform whose settings are absent, so Haven cannot reach it."""
