from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "revsight.org"
    label = "org"
    verbose_name = "Organisation and people"
