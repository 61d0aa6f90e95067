from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "revsight.web"
    label = "web"
    verbose_name = "Web application"
