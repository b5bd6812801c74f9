"""The blur editor in Chromium: a coordinator draws a rectangle over a photo, saves, and sees the
blurred copy, with no CSP violation and no script error; the original stays untouched."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from playwright.sync_api import expect

from cases.models import Incident
from cases.services import evidence_add
from claims.selectors import blur_regions_of, blurred_bytes
from tests.e2e.conftest import DESKTOP

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _photo() -> bytes:
    tiles = Image.merge("RGB", [Image.effect_noise((40, 30), 120).convert("L") for _ in range(3)])
    out = io.BytesIO()
    tiles.resize((400, 300), Image.Resampling.NEAREST).save(out, "PNG")
    return out.getvalue()


def test_a_coordinator_draws_a_rectangle_saves_and_sees_the_blurred_copy(demo, session_for):
    coordinator = demo["coordinator"]
    incident = Incident.objects.order_by("id").first()
    assert incident is not None, "the demo has incidents"
    photo = evidence_add(
        upload=ContentFile(_photo(), name="crowd.png"), kind="photo", content_type="image/png", by=coordinator,
        incident=incident,
    )  # fmt: skip
    sha = photo.sha256
    desk = session_for(coordinator, DESKTOP)
    desk.goto(f"/claims/evidence/{photo.public_id}/blur/")
    page = desk.page
    expect(page.get_by_role("heading", level=1)).to_contain_text("Blur faces")
    image = page.locator("#blur-photo")
    expect(image).to_be_visible()
    page.wait_for_function("document.getElementById('blur-photo').naturalWidth > 0")
    box = image.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.4, steps=5)
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.6, steps=5)
    page.mouse.up()
    expect(page.locator("#blur-editor .blur-region")).to_have_count(1)
    expect(page.locator("#blur-count")).to_have_text("1")
    page.get_by_role("button", name="Save and blur").click()
    expect(page.locator("#blurred-photo")).to_be_visible()
    page.wait_for_function("document.getElementById('blurred-photo').naturalWidth === 400")
    (region,) = blur_regions_of(evidence=photo)
    assert region[0] == pytest.approx(0.2, abs=0.02) and region[1] == pytest.approx(0.2, abs=0.02)
    assert region[2] == pytest.approx(0.3, abs=0.02) and region[3] == pytest.approx(0.4, abs=0.02)
    assert blurred_bytes(photo) is not None
    photo.refresh_from_db()
    assert photo.sha256 == sha
    # The saved rectangle is back on the page and can be removed and saved away.
    expect(page.locator("#blur-editor .blur-region")).to_have_count(1)
    desk.screenshot("coordinator-blur-editor-desktop")
    assert not desk.axe_violations()
    page.locator("#blur-editor .blur-remove").click()
    expect(page.locator("#blur-editor .blur-region")).to_have_count(0)
    page.get_by_role("button", name="Save and blur").click()
    expect(page.locator("#blurred-photo")).to_have_count(0)
    assert blur_regions_of(evidence=photo) == []
    desk.assert_clean()
