"""Settings printed or logged by mistake show no secret."""

from bot.settings import Settings
from storage.secret_box import new_secret_key


def test_the_settings_repr_holds_no_secret():
    secrets = {
        "SLACK_BOT_TOKEN": "xoxb-1-2-secret",
        "SLACK_SIGNING_SECRET": "signing-secret-value",
        "SLACK_APP_TOKEN": "xapp-secret",
        "SLACK_CLIENT_SECRET": "client-secret-value",
        "MICROSOFT_APP_PASSWORD": "app-password-value",
        "HAVEN_SECRET_KEY": new_secret_key(key_id="k1"),
        "HAVEN_RELAY_KEY": "q6oyQmMoB6JkXwHcY8r7sT0Tn2Vb3l5oJ0nQm9pU1Yw=",
    }
    shown = repr(Settings(**secrets)) + str(Settings(**secrets))  # type: ignore[arg-type]
    assert not [name for name, value in secrets.items() if value in shown]
