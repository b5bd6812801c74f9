"""The interactive API docs render in a real browser under the site's strict CSP (no CDN)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_swagger_ui_renders_every_operation_without_csp_violations(session_for, coordinator):
    session = session_for(coordinator)
    requested: list[str] = []
    session.page.on("request", lambda request: requested.append(request.url))
    session.goto("/api/docs/")
    session.page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    session.page.wait_for_selector(".opblock", timeout=20_000)
    assert "tracker API" in session.page.inner_text(".swagger-ui .info .title")
    assert session.page.locator(".opblock").count() >= 40
    assert all(url.startswith(session.base) for url in requested), [
        u for u in requested if not u.startswith(session.base)
    ]
    session.assert_clean()
