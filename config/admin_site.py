from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from cases.roles import sees_everything


class TrackerAdminSite(admin.AdminSite):
    """Only coordinators and administrators get in, whatever `is_staff` says."""

    site_header = "Legal-support tracker administration"
    site_title = "Tracker admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and sees_everything(request.user)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """One sign-in page for everything (lockout, audit and the second factor live there)."""
        return redirect_to_login(request.GET.get("next") or self.index_url())

    def index_url(self) -> str:
        from django.urls import reverse

        return reverse("admin:index", current_app=self.name)
