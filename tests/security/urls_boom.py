"""A URLconf whose only view fails with personal data in the exception (tests the 500 page)."""

from django.urls import include, path


def boom(request):
    raise RuntimeError("María García, 215-555-0142, born 1990-04-17")


urlpatterns = [path("boom/", boom), path("", include("config.urls"))]
