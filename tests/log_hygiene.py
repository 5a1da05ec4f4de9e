"""What no log line may carry: message bodies, anonymous texts, secrets, or who acted anonymously."""

import logging

import pytest

# Every text typed in a run carries this marker, so a body that reaches a log is found.
BODY = "zq-body"


def logged_text(records: list[logging.LogRecord]) -> str:
    """Return every record as it would be written, with its arguments and exception."""
    lines = []
    for record in records:
        lines.append(f"{record.name} {record.getMessage()} {record.args!r}")
        if record.exc_info and record.exc_info[1] is not None:
            lines.append(repr(record.exc_info[1]))
    return "\n".join(lines)


def assert_clean(
    records: list[logging.LogRecord],
    *,
    secrets: list[str],
    anonymous_actors: list[str] = (),  # type: ignore[assignment]
) -> None:
    """Fail when a record holds a body, a secret, or the id of someone who acted anonymously."""
    text = logged_text(records)
    leaks = [line for line in text.splitlines() if BODY in line]
    assert not leaks, f"a message body reached the log: {leaks[0][:300]}"
    for secret in secrets:
        assert secret not in text, "a secret reached the log"
    for actor in anonymous_actors:
        assert actor not in text, "the author of an anonymous action reached the log"


def log_everything(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture at DEBUG, as an operator who turns the root logger all the way up would.

    Loggers that need asking by name (SQLAlchemy's SQL echo) stay at their own level.
    """
    caplog.set_level(logging.DEBUG)
    return caplog
