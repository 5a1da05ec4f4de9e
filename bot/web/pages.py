"""Render the dashboard's HTML from Jinja templates, escaped by default."""

from functools import lru_cache
from typing import Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape

from bot.web.access import Viewer


@lru_cache(maxsize=1)
def templates() -> Environment:
    """Return the template environment (loaded once per process)."""
    return Environment(
        loader=PackageLoader("bot.web", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page(
    name: str, *, viewer: Viewer | None = None, status: int = 200, **context: Any
) -> web.Response:
    """Return a rendered page with the headers every dashboard page carries."""
    html = templates().get_template(name).render(viewer=viewer, **context)
    response = web.Response(text=html, status=status, content_type="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    return response


def message(title: str, text: str, *, status: int, viewer: Viewer | None = None) -> web.Response:
    """Return a page that only says something: a refusal, an error, a confirmation."""
    return page("message.html", viewer=viewer, status=status, title=title, text=text)
