"""The "Your data" personal tab: what Haven keeps, for how long, and how to export or erase it."""

from html import escape

from aiohttp import web

from rituals.privacy.policy import DEFAULT_RETENTION_DAYS, PrivacyPolicy, what_is_kept

TAB_PATH = "/teams/privacy"
# Teams shows a tab in a frame; nothing else may frame it, and it loads nothing from elsewhere.
FRAMING = (
    "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors https://teams.microsoft.com https://*.teams.microsoft.com "
    "https://*.skype.com https://*.cloud.microsoft"
)


def privacy_page(*, policy: PrivacyPolicy, bot_id: str) -> str:
    """Return the tab's HTML."""
    kept = "".join(
        f"<li>{escape(line)}</li>"
        for line in what_is_kept(retention_days=DEFAULT_RETENTION_DAYS, policy=policy)
    )
    chat = (
        f'<a href="https://teams.microsoft.com/l/chat/0/0?users=28:{escape(bot_id)}" '
        'target="_blank">your chat with Haven</a>'
        if bot_id
        else "your chat with Haven"
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Your data</title>'
        "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:1.5rem}</style>"
        "</head><body><h1>Your data in Haven</h1>"
        "<p>Haven keeps as little as it can, and you can take it with you or erase it at any "
        "time.</p>"
        f"<ul>{kept}</ul>"
        f"<p>Your team's admins may keep answers for less than {DEFAULT_RETENTION_DAYS} days: "
        "type <b>privacy</b> to see yours.</p>"
        f"<h2>Get a copy or erase it</h2><p>In {chat}, type <b>privacy</b>, then choose "
        "<b>Send me my data</b> (everything Haven holds about you, as JSON) or <b>Erase me</b> "
        "(after a confirmation).</p></body></html>"
    )


def privacy_tab_handler(*, policy: PrivacyPolicy, bot_id: str):  # type: ignore[no-untyped-def]
    """Return the handler of GET /teams/privacy."""
    page = privacy_page(policy=policy, bot_id=bot_id)

    async def tab(request: web.Request) -> web.Response:
        return web.Response(
            text=page, content_type="text/html", headers={"Content-Security-Policy": FRAMING}
        )

    return tab
