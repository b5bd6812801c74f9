"""Rendering processes freeze their startup objects out of the garbage collector's reach once
WeasyPrint and the fonts are loaded (documents/pdf.py), unless PACKET_GC_FREEZE is off."""

from __future__ import annotations

import gc

from documents import pdf


def test_startup_objects_are_frozen_once_fonts_are_loaded(settings):  # type: ignore[no-untyped-def]
    settings.PACKET_GC_FREEZE = True
    gc.unfreeze()
    try:
        pdf._freeze_startup_objects()
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()


def test_freezing_can_be_turned_off(settings):  # type: ignore[no-untyped-def]
    settings.PACKET_GC_FREEZE = False
    gc.unfreeze()
    pdf._freeze_startup_objects()
    assert gc.get_freeze_count() == 0
