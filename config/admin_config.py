from django.contrib.admin.apps import AdminConfig


class TrackerAdminConfig(AdminConfig):
    """The admin, restricted to administrators (config.admin_site.TrackerAdminSite)."""

    default_site = "config.admin_site.TrackerAdminSite"
