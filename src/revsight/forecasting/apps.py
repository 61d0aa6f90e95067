from django.apps import AppConfig


class ForecastingConfig(AppConfig):
    name = "revsight.forecasting"
    label = "forecasting"
    verbose_name = "Forecasting"
