"""The notifiers of the platforms that are on in this process."""

from dataclasses import dataclass, field

from rituals.errors import PlatformUnavailable
from rituals.ports import Notifier


@dataclass
class Notifiers:
    """Finds the notifier for a platform, or explains that the platform is off."""

    by_platform: dict[str, Notifier] = field(default_factory=dict)

    def for_platform(self, platform: str) -> Notifier:
        """Return the platform's notifier, or raise PlatformUnavailable."""
        notifier = self.by_platform.get(platform)
        if notifier is None:
            raise PlatformUnavailable(
                f"{platform} is not configured in this process; see the README's settings"
            )
        return notifier

    @property
    def platforms(self) -> list[str]:
        """Return the names of the platforms that are on."""
        return sorted(self.by_platform)
