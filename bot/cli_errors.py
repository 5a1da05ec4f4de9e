"""Every error of the `haven` command as one line on stderr, never a box or a traceback."""

import sys
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

import typer
from typer.core import TyperGroup

from rituals.errors import HavenError


class OneLineErrorGroup(TyperGroup):
    """The `haven` command group: usage mistakes are one line naming the help to read."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command; in standalone mode turn every usage error into one line and an exit code."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except typer.TyperException as error:  # Typer's usage errors (a missing argument, …)
            message = error.format_message()
            if message.startswith("Usage:"):  # no arguments at all: the help is the answer
                typer.echo(message)
                sys.exit(0)
            context = getattr(error, "ctx", None)
            hint = f" (see `{context.command_path} --help`)" if context is not None else ""
            typer.echo(f"Error: {_sentence(message)}{hint}", err=True)
            sys.exit(error.exit_code)
        except typer.Abort:  # Ctrl-C or Ctrl-D at a prompt
            typer.echo("Stopped.", err=True)
            sys.exit(130)
        sys.exit(result if isinstance(result, int) else 0)


def one_line_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a command's errors into one clear line on stderr and exit code 1, never a traceback."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except (HavenError, ValueError) as error:
            typer.echo(f"Error: {_first_line(error)}", err=True)
            raise typer.Exit(1) from None
        except OSError as error:  # a file that cannot be written, a service that cannot be reached
            typer.echo(f"Error: {os_error_text(error)}", err=True)
            raise typer.Exit(1) from None
        except Exception as error:  # a database that cannot be reached, …
            typer.echo(f"Error: {_first_line(error) or 'unexpected failure'}", err=True)
            raise typer.Exit(1) from None

    return run


def os_error_text(error: OSError) -> str:
    """Return an operating-system error in words: what failed, on which file or address."""
    if error.strerror and error.filename:
        return f"{error.filename}: {error.strerror}"
    return _first_line(error) or error.strerror or "the operating system refused"


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else ""


def _sentence(message: str) -> str:
    """Return Typer's message on one line, starting lower-case after 'Error: '."""
    line = " ".join(message.split()).rstrip(".")
    return line[:1].lower() + line[1:] if line[:1].isupper() and not line[1:2].isupper() else line
