from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("revsight.api.urls")),
    path("", include("revsight.web.urls")),
]
