"""Every table module, imported so SQLModel's metadata knows the whole schema."""

from storage import (
    models,
    models_dashboard,
    models_digest,
    models_figures,
    models_outbox,
    models_privacy,
    models_rollups,
    models_slack,
    models_teams,
)

__all__ = [
    "models",
    "models_dashboard",
    "models_digest",
    "models_figures",
    "models_outbox",
    "models_privacy",
    "models_rollups",
    "models_slack",
    "models_teams",
]
