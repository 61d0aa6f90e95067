from django.contrib.auth import views as auth_views
from django.urls import path

from revsight.web import (
    dashboard_views,
    discipline_settings,
    discipline_views,
    forecast_views,
    imports,
    jobs,
    passwords,
    person_views,
    profile,
    settings_views,
    setup_views,
    tokens,
    views,
)

urlpatterns = [
    path("", dashboard_views.landing, name="home"),
    path("setup/", setup_views.setup_page, name="setup"),
    path("organisation/", views.home, name="organisation"),
    path("metrics/", views.metric_definitions, name="metrics"),
    path("dashboard/company/", dashboard_views.company, name="dashboard-company"),
    path("dashboard/team/<int:team_id>/", dashboard_views.team, name="dashboard-team"),
    path("dashboard/rep/<int:user_id>/", dashboard_views.rep, name="dashboard-rep"),
    path("dashboard/person/<int:user_id>/", person_views.person, name="dashboard-person"),
    path("records/<str:kind>/", dashboard_views.records, name="records"),
    path("forecast/", forecast_views.forecast_page, name="forecast"),
    path("forecast/backtest/", forecast_views.run_backtest, name="forecast-backtest"),
    path("settings/", settings_views.index, name="settings"),
    path("settings/fiscal-year/", settings_views.fiscal_year, name="settings-fiscal-year"),
    path("settings/stages/", settings_views.stages, name="settings-stages"),
    path("settings/standards/", settings_views.standards, name="settings-standards"),
    path("settings/quotas/", settings_views.quotas, name="settings-quotas"),
    path("settings/goals/", settings_views.goals, name="settings-goals"),
    path("settings/schedules/", settings_views.schedules, name="settings-schedules"),
    path(
        "settings/discipline/",
        discipline_settings.discipline_settings,
        name="settings-discipline",
    ),
    path("discipline/", discipline_views.discipline_page, name="discipline"),
    path("deals/<int:deal_id>/", discipline_views.deal_page, name="deal"),
    path("profile/", profile.profile_page, name="profile"),
    path("import/", imports.import_page, name="import"),
    path(
        "import/templates/<str:entity>.<str:fmt>",
        imports.template_download,
        name="import-template",
    ),
    path("tokens/", tokens.tokens_page, name="tokens"),
    path("jobs/", jobs.jobs_page, name="jobs"),
    path("jobs/rebuild/", jobs.rebuild_analytics, name="jobs-rebuild"),
    path("jobs/<int:job_id>/status/", jobs.job_status, name="job-status"),
    path("jobs/<int:job_id>/retry/", jobs.retry_job, name="job-retry"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    *passwords.urlpatterns,
]
