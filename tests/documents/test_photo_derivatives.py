"""Photos are embedded as JPEG: the metadata-free copy as it is when it already is a modest JPEG,
otherwise a reduced re-encoding without EXIF or GPS."""

from __future__ import annotations

import io

from PIL import Image

from documents.photos import PHOTO_MAX_SIDE, jpeg_derivative


def _image(fmt: str, size: tuple[int, int], exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (120, 40, 200))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x8825] = {1: "N", 2: (39.0, 57.0, 7.0)}  # GPS latitude
        data[0x010F] = "PhoneMaker"
        image.save(out, fmt, exif=data.tobytes())
    else:
        image.save(out, fmt)
    return out.getvalue()


def test_a_stripped_modest_jpeg_is_embedded_as_it_is():
    data = _image("JPEG", (1200, 900))
    assert jpeg_derivative(data, stripped=True) == data


def test_png_and_large_photos_become_reduced_jpegs():
    for data in (_image("PNG", (800, 600)), _image("JPEG", (4000, 3000))):
        out = jpeg_derivative(data, stripped=True)
        with Image.open(io.BytesIO(out)) as image:
            assert image.format == "JPEG"
            assert max(image.size) <= PHOTO_MAX_SIDE


def test_an_unstripped_photo_loses_its_exif_and_gps():
    data = _image("JPEG", (1000, 750), exif=True)
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif()  # the fixture really carries EXIF
    out = jpeg_derivative(data, stripped=False)
    assert out != data
    with Image.open(io.BytesIO(out)) as image:
        assert not image.getexif()
        assert b"PhoneMaker" not in out
