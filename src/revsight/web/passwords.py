"""The password reset by email: Django's views with Revsight's templates, the email sent
through `core.mail`, and the new password set by the service that checks and audits it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.template import loader
from django.urls import path, reverse_lazy

from revsight.core import mail
from revsight.org.services import set_password


class ResetForm(PasswordResetForm):
    """Asks for the email; sends the link only to an active account with a password, and says
    the same whatever the address (no way to learn who has an account)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        mail.send(subject, body, [to_email])


class NewPasswordForm(SetPasswordForm):
    def save(self, commit: bool = True) -> Any:
        set_password(self.user, self.cleaned_data["new_password1"], how="by a reset link")
        return self.user


urlpatterns = [
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=ResetForm,
            template_name="web/password_reset.html",
            subject_template_name="web/password_reset_subject.txt",
            email_template_name="web/password_reset_email.txt",
            success_url=reverse_lazy("password-reset-sent"),
        ),
        name="password-reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="web/password_reset_sent.html"),
        name="password-reset-sent",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=NewPasswordForm,
            template_name="web/password_reset_confirm.html",
            success_url=reverse_lazy("password-reset-done"),
        ),
        name="password-reset-confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="web/password_reset_done.html"),
        name="password-reset-done",
    ),
]
