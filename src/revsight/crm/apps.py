from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "revsight.crm"
    label = "crm"
    verbose_name = "Sales records"
