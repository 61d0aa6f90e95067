from django.contrib import admin

from revsight.forecasting.models import ForecastSubmission


@admin.register(ForecastSubmission)
class ForecastSubmissionAdmin(admin.ModelAdmin):
    list_display = ("user", "period_type", "period_start", "category", "amount", "submitted_at")
    list_filter = ("period_type", "category")
    raw_id_fields = ("user", "submitted_by")
