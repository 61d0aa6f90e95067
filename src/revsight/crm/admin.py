from django.contrib import admin

from revsight.crm import models


@admin.register(models.Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "account", "stage", "amount", "close_date", "status")
    list_filter = ("status", "stage", "type")
    search_fields = ("name", "external_id", "account__name")
    raw_id_fields = ("account", "owner")
    date_hierarchy = "close_date"


@admin.register(models.Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("date", "type", "owner", "account", "opportunity")
    list_filter = ("type",)
    raw_id_fields = ("owner", "account", "opportunity")
    date_hierarchy = "date"


@admin.register(models.Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("name", "segment", "owner", "created_date")
    search_fields = ("name", "external_id")
    raw_id_fields = ("owner",)


@admin.register(models.StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ("opportunity", "from_stage", "to_stage", "amount", "close_date", "changed_at")
    raw_id_fields = ("opportunity",)


for model in (
    models.Stage,
    models.Lead,
    models.MarketingSpend,
    models.Invoice,
    models.TimeEntry,
    models.ServiceBacklog,
    models.SalesExpense,
):
    admin.site.register(model)


@admin.register(models.ForecastSubmission)
class ForecastSubmissionAdmin(admin.ModelAdmin):
    list_display = ("user", "period_type", "period_start", "category", "amount", "submitted_at")
    list_filter = ("period_type", "category")
    raw_id_fields = ("user", "submitted_by")
