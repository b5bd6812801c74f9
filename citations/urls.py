from django.urls import path  # noqa: F401

urlpatterns: list = []

# Pages: the organizer's dashboard (aggregates only).
from citations import views_dashboard  # noqa: E402

urlpatterns += [
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
]
