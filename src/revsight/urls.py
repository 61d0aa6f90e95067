from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("revsight.api.urls")),
    path("", include("revsight.web.urls")),
]

handler403 = "revsight.web.errors.forbidden"
handler404 = "revsight.web.errors.not_found"
handler500 = "revsight.web.errors.server_error"
