from django.apps import AppConfig


class BulletinConfig(AppConfig):
    name = "rankandfile.bulletin"
    label = "bulletin"
    verbose_name = "Discussion bulletin"
