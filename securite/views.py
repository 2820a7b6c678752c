"""Login and logout pages."""

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views

from .demo import DEMO_PASSWORD, demo_accounts


class LoginView(auth_views.LoginView):
    template_name = "securite/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["demo_accounts"] = demo_accounts()
            context["demo_password"] = DEMO_PASSWORD
        return context


class LogoutView(auth_views.LogoutView):
    pass
