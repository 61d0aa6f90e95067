from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "revsight.assessments"
    label = "assessments"
    verbose_name = "Assessments"
