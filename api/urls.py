"""The REST API under /api/v1/. Each area registers its routes here, one block per area."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

router = SimpleRouter()
# Areas register viewsets on `router` below, e.g.:
#   router.register("citations", citations.CitationViewSet, basename="citation")

v1_patterns: list = [
    path("", include(router.urls)),
]

urlpatterns = [
    path("v1/", include(v1_patterns)),
]
