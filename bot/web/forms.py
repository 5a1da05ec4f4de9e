"""Protection of every form against cross-site requests: a per-session token and the Origin."""

import hmac
from urllib.parse import urlsplit

from aiohttp import web

from bot.web.access import Viewer

CSRF_FIELD = "csrf"


class CrossSiteRefused(Exception):
    """A form post that did not come from one of the dashboard's own pages."""


def check_form(*, request: web.Request, form: dict[str, str], viewer: Viewer) -> None:
    """Refuse a post whose token does not match the session's, or that comes from another site."""
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        raise CrossSiteRefused("This form came from another site.")
    if origin == "null":
        raise CrossSiteRefused("This form came from another site.")
    sent = form.get(CSRF_FIELD, "")
    if not sent or not hmac.compare_digest(sent, viewer.csrf_token):
        raise CrossSiteRefused("This form has expired or did not come from Haven.")
