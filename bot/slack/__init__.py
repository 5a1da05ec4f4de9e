"""Slack: the Bolt app, its listeners, Block Kit rendering and the notifier."""
