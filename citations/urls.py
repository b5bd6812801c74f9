from django.urls import path

from citations import views

urlpatterns: list = []

# Pages: the organizer's dashboard (aggregates only).
from citations import views_dashboard  # noqa: E402

urlpatterns += [
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
]

# A lawyer's calendar-feed link, and the feed itself (authenticated by the token in the URL).
urlpatterns += [
    path("calendar/", views.calendar_link, name="citations-calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="citations-calendar-feed"),
]

# Coordinators: bulk import; coordinators and lawyers: CSV export of what they may see.
urlpatterns += [
    path("import/", views.import_page, name="citations-import"),
    path("export.csv", views.export_csv, name="citations-export"),
]
