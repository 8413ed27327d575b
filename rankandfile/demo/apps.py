from django.apps import AppConfig


class DemoConfig(AppConfig):
    # The demo organization sits above every app: it builds Millbrook's history through their services.
    name = "rankandfile.demo"
    label = "demo"
    verbose_name = "Demo organization"
