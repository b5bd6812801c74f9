"""Interactive API docs (Swagger UI) served from bundled files: no CDN, no inline script or style,
so the page works under the site-wide Content-Security-Policy unchanged."""

from __future__ import annotations

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
