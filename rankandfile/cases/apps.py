from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "rankandfile.cases"
    label = "cases"
    verbose_name = "Confidential cases"
