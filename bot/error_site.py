"""Where an error arose, in one short phrase: enough to find a fault without logging a traceback."""

import traceback


def where(error: BaseException) -> str:
    """Return the file and line an error was raised at, such as 'checkin.py:98'."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "unknown place"
    last = frames[-1]
    return f"{last.filename.rsplit('/', 1)[-1]}:{last.lineno}"
