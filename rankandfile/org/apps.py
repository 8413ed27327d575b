from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "rankandfile.org"
    label = "org"
    verbose_name = "Organization"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out
        from django.db.models.signals import post_save

        from rankandfile import checks  # noqa: F401  (registers the deployment checks)
        from rankandfile.org import sessions
        from rankandfile.org.models import Member

        # A new password, an account switched off, a logout: the member's open live sockets check again.
        post_save.connect(sessions.account_saved, sender=Member, dispatch_uid="org.sessions.account_saved")
        user_logged_out.connect(sessions.logged_out, dispatch_uid="org.sessions.logged_out")
