from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "rankandfile.cases"
    label = "cases"
    verbose_name = "Confidential cases"

    def ready(self) -> None:
        # A term, seat or membership that ends (org's services) drops the member's case keys and renews the key of
        # each case they held, in the same transaction (services/keys.py).
        from rankandfile.cases.services import departures_handle
        from rankandfile.org.services import departure_handler_register

        departure_handler_register(departures_handle)
