from django.contrib.auth import views as auth_views
from django.urls import path

from revsight.web import imports, views

urlpatterns = [
    path("", views.home, name="home"),
    path("import/", imports.import_page, name="import"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
