from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "rankandfile.ballots"
    label = "ballots"
    verbose_name = "Ballots"
