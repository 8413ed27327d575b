from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class NotificationsConfig(AppConfig):
    name = "rankandfile.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Each app registers its kinds of notification in its own notices.py (kinds.py says why).
        autodiscover_modules("notices")
