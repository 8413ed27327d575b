from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "rankandfile.org"
    label = "org"
    verbose_name = "Organization"
