from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from revsight.core.models import Organisation
from revsight.org.models import ActivityStandard, Goal, Quota, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("name", "email")
    list_display = ("email", "name", "role", "team", "manager", "is_active")
    list_filter = ("role", "team", "is_active")
    search_fields = ("email", "name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("name", "role", "team", "manager", "hire_date", "end_date")}),
        ("Money", {"fields": ("annual_quota", "base_salary", "variable_pay")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Origin", {"fields": ("source", "external_id")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),
    )
    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # People own deals and history: deactivating keeps the records and ends access.
        return False

    @admin.action(description="Deactivate the selected people")
    def deactivate(self, request, queryset):  # type: ignore[no-untyped-def]
        from revsight.core.versions import mark_changed

        queryset.update(is_active=False)
        mark_changed("users")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "manager", "parent")


@admin.register(Quota)
class QuotaAdmin(admin.ModelAdmin):
    list_display = ("month", "user", "team", "amount")
    list_filter = ("team",)
    date_hierarchy = "month"


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ("metric", "scope", "team", "user", "period", "target")
    list_filter = ("metric", "scope")


admin.site.register(Organisation)
admin.site.register(ActivityStandard)
