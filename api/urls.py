"""The REST API under /api/v1/. Each area registers its routes here, one block per area.

Keep one block per area so branches merge cleanly; every route under /api/v1/ must have rows in
tests/api/test_role_matrix.py (the test fails for a route without one).
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from api.views import auth, complaints, dashboard, events, evidence, incidents, officers, people
from api.views.errors import not_found

app_name = "api"
router = SimpleRouter()

# --- events
router.register("events", events.EventViewSet, basename="event")

# --- people: demonstrators, cases, arrests
router.register("demonstrators", people.DemonstratorViewSet, basename="demonstrator")
router.register("cases", people.CaseViewSet, basename="case")
router.register("arrests", people.ArrestViewSet, basename="arrest")

# --- officers
router.register("officers", officers.OfficerViewSet, basename="officer")

# --- incidents
router.register("incidents", incidents.IncidentViewSet, basename="incident")

# --- complaints and witness statements
router.register("complaints", complaints.ComplaintViewSet, basename="complaint")
router.register("witness-statements", complaints.StatementViewSet, basename="statement")

# --- evidence
router.register("evidence", evidence.EvidenceViewSet, basename="evidence")

# --- dashboard
router.register("dashboard", dashboard.DashboardViewSet, basename="dashboard")

v1_patterns: list = [
    path("auth/token/", auth.TokenView.as_view(), name="auth-token"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("v1/", include(v1_patterns)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^.*$", not_found),
]
