"""Microsoft Teams: the only package that imports botbuilder (archived upstream; replace it here alone)."""
