from django.contrib import admin
from django.http import HttpRequest

from cases.roles import sees_everything


class TrackerAdminSite(admin.AdminSite):
    """Only coordinators and administrators get in, whatever `is_staff` says."""

    site_header = "Legal-support tracker administration"
    site_title = "Tracker admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and sees_everything(request.user)
