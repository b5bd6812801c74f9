"""Startup checks: a packet rendered without its fonts would silently lose non-Latin names."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from documents.assets import missing_assets


@register()
def packet_assets_present(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return [
        Error(
            f"Packet asset missing: {name}",
            hint="Install the font packages (./dev setup installs fonts-noto-core, fonts-noto-cjk, fonts-symbola).",
            id="documents.E001",
        )
        for name in missing_assets()
    ]
