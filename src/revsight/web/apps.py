from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "revsight.web"
    label = "web"
    verbose_name = "Web application"

    def ready(self) -> None:
        from django.contrib.auth import user_logged_in
        from django.contrib.auth.models import update_last_login

        from revsight.web.logins import record_last_login

        # A login records its time without ever waiting for the database's write lock.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="revsight_last_login")
