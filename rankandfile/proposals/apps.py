from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "rankandfile.proposals"
    label = "proposals"
    verbose_name = "Proposals"
