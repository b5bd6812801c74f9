"""Evidence photos in packets: the JPEG derivative each photo is embedded as (made once at upload,
stored sealed under the photo's data key, made again when its recipe or source changes), and the
loading of the derivatives a packet's context names, within the user's scope; the blurred copy
of a photo (its blur regions blurred) and the face detector that proposes those regions.
Derivatives are made from what a person gets of the photo (`cases.services.evidence_shared_bytes`:
its blurred copy when a higher app registered one, else its copy without metadata).
"""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from PIL import Image, ImageFilter, ImageOps

from cases import datakeys
from cases.access import evidence_list_visible_to
from cases.models import Evidence
from cases.services import evidence_shared_bytes
from cases.types import AnyUser
from core.crypto import DecryptionError
from documents.context import is_photo
from documents.models import PhotoDerivative

logger = logging.getLogger(__name__)

PHOTO_MAX_PIXELS = 40_000_000
PHOTO_MAX_SIDE = 1600
PHOTO_MIN_SIDE = 1200
PHOTO_AS_IS_SIDE = 2400
PHOTO_JPEG_QUALITY = 82


def jpeg_derivative(data: bytes, *, stripped: bool = False) -> bytes:
    """The JPEG to embed for a photo. JPEG costs WeasyPrint nothing to embed; PNG is re-encoded
    on every render (about a quarter of a packet's time).

    A metadata-free copy (`stripped`, made at upload) that is already an RGB or grey JPEG of at
    most PHOTO_AS_IS_SIDE pixels a side is embedded as it is. Anything else is decoded (JPEG at a
    reduced DCT scale where possible) and re-encoded with a long side of at most PHOTO_MAX_SIDE
    pixels (between PHOTO_MIN_SIDE and PHOTO_MAX_SIDE for large photos), which also drops any EXIF
    or GPS data."""
    Image.MAX_IMAGE_PIXELS = PHOTO_MAX_PIXELS
    with Image.open(io.BytesIO(data)) as image:
        if stripped and image.format == "JPEG" and image.mode in ("RGB", "L") and max(image.size) <= PHOTO_AS_IS_SIDE:
            return data
        if image.format == "JPEG":
            # Decode at 1/2, 1/4 or 1/8 scale (much cheaper) while the long side stays >= PHOTO_MIN_SIDE.
            scale = 1
            while scale < 8 and max(image.size) // (scale * 2) >= PHOTO_MIN_SIDE:
                scale *= 2
            if scale > 1:
                image.draft("RGB", (image.size[0] // scale, image.size[1] // scale))
        upright = ImageOps.exif_transpose(image).convert("RGB")
        upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), resample=Image.Resampling.BICUBIC, reducing_gap=3.0)
        out = io.BytesIO()
        upright.save(out, "JPEG", quality=PHOTO_JPEG_QUALITY)
        return out.getvalue()


# Relative rectangles (x, y, width, height, each in [0, 1]) of a photo.
Region = tuple[float, float, float, float]

# Photos are scaled down to this long side before face detection: a 12-megapixel photo would
# take seconds at full size, and faces worth blurring stay well above the detector's minimum.
DETECT_MAX_SIDE = 960
DETECT_MIN_FACE = 28
DETECT_SCALE_FACTOR = 1.2
DETECT_MIN_NEIGHBORS = 5
# What stored proposals were made with: other settings make them again.
DETECT_RECIPE = (
    f"haarcascade_frontalface_default/{DETECT_MAX_SIDE}/{DETECT_MIN_FACE}/{DETECT_SCALE_FACTOR}/{DETECT_MIN_NEIGHBORS}"
)


def blurred_jpeg(data: bytes, regions: Sequence[Region]) -> bytes:
    """The photo (upright, RGB) with each region replaced by a strong Gaussian blur, as a JPEG
    without metadata. The blur radius follows the region's size so a face cannot be read back."""
    Image.MAX_IMAGE_PIXELS = PHOTO_MAX_PIXELS
    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGB")
    width, height = image.size
    for x, y, w, h in regions:
        box = (
            max(0, int(x * width)),
            max(0, int(y * height)),
            min(width, int(round((x + w) * width))),
            min(height, int(round((y + h) * height))),
        )
        if box[2] <= box[0] or box[3] <= box[1]:
            continue
        patch = image.crop(box)
        # Pixelate first (nothing of the face survives), then blur the blocks' edges away.
        small = patch.resize((max(1, patch.width // 12), max(1, patch.height // 12)), Image.Resampling.BILINEAR)
        patch = small.resize(patch.size, Image.Resampling.NEAREST)
        radius = max(4, min(patch.size) // 8)
        image.paste(patch.filter(ImageFilter.GaussianBlur(radius)), box[:2])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def face_proposals(data: bytes) -> list[Region]:
    """Faces OpenCV's bundled frontal-face Haar cascade finds in a photo, as relative regions
    (proposals a person confirms or removes). The photo is decoded at a reduced scale and scaled
    down to DETECT_MAX_SIDE first: detection time then hardly depends on the photo's size."""
    # OpenCV takes a second to load and only this function needs it: imported here, not at the top.
    import cv2
    import numpy  # with OpenCV, for the same reason

    Image.MAX_IMAGE_PIXELS = PHOTO_MAX_PIXELS
    with Image.open(io.BytesIO(data)) as opened:
        if opened.format == "JPEG":
            opened.draft("L", (DETECT_MAX_SIDE, DETECT_MAX_SIDE))
        image = ImageOps.exif_transpose(opened).convert("L")
    image.thumbnail((DETECT_MAX_SIDE, DETECT_MAX_SIDE), resample=Image.Resampling.BILINEAR)
    width, height = image.size
    pixels = cv2.equalizeHist(numpy.asarray(image))
    found = _cascade().detectMultiScale(
        pixels,
        scaleFactor=DETECT_SCALE_FACTOR,
        minNeighbors=DETECT_MIN_NEIGHBORS,
        minSize=(DETECT_MIN_FACE, DETECT_MIN_FACE),
    )
    return [(float(x) / width, float(y) / height, float(w) / width, float(h) / height) for x, y, w, h in found]


_CASCADE: list[Any] = []


def _cascade() -> Any:
    """The frontal-face cascade, loaded once per process (reading its XML takes ~50 ms)."""
    import cv2  # the same lazy import as face_proposals

    if not _CASCADE:
        # One thread: a worker shares its cores with other requests, and OpenCV's own threads
        # only fight them (measured: slower under load, see docs/performance.md).
        cv2.setNumThreads(1)
        _CASCADE.append(
            cv2.CascadeClassifier(
                cv2.data.haarcascades  # type: ignore[attr-defined]  # OpenCV's stubs leave out cv2.data
                + "haarcascade_frontalface_default.xml"
            )
        )
    return _CASCADE[0]


# What a stored derivative was made with: a different recipe makes it again.
PHOTO_RECIPE = f"jpeg/{PHOTO_MAX_SIDE}/{PHOTO_MIN_SIDE}/{PHOTO_AS_IS_SIDE}/q{PHOTO_JPEG_QUALITY}"


def photo_derivative_make(*, evidence: Evidence) -> bytes:
    """Make the JPEG packets embed for a photo, store it sealed under the photo's data key (a
    `PhotoDerivative`, replacing any made with another recipe) and return it. Nothing is logged
    in the chain of custody: the packet that embeds it records the export."""
    stripped = bool(evidence.served_file) and evidence.metadata_stripped
    data = jpeg_derivative(evidence_shared_bytes(evidence=evidence), stripped=stripped)
    derivative = PhotoDerivative(evidence=evidence, source_sha256=evidence.sha256, recipe=PHOTO_RECIPE, size=len(data))
    sealed = datakeys.seal(scope=datakeys.scope_of_evidence(evidence), data=data, context=derivative.crypto_context)
    derivative.file.save("derivative", ContentFile(sealed), save=False)
    stored = False
    try:
        with transaction.atomic():
            derivative.save()
            PhotoDerivative.objects.filter(evidence=evidence).exclude(pk=derivative.pk).delete()
        stored = True
    except IntegrityError:  # made a moment ago by another worker: the same bytes
        pass
    finally:
        if not stored and derivative.file.name:
            derivative.file.storage.delete(derivative.file.name)
    return data


def photo_derivative_ensure(*, evidence_id: int) -> None:
    """The upload task: make a photo's derivative unless it exists (or the photo is gone)."""
    evidence = Evidence.objects.select_related("case", "complaint__case", "incident").filter(pk=evidence_id).first()
    if evidence is None or not is_photo(evidence):
        return
    if PhotoDerivative.objects.filter(evidence=evidence, source_sha256=evidence.sha256, recipe=PHOTO_RECIPE).exists():
        return
    try:
        photo_derivative_make(evidence=evidence)
    except Exception:  # the first packet that needs it tries again (and lists the photo if it fails too)
        logger.warning("a photo derivative could not be made", exc_info=False)


def photo_for(evidence: Evidence, stored: PhotoDerivative | None, keys: dict[str, bytes] | None = None) -> bytes:
    """The JPEG to embed: the stored derivative (of this photo's bytes, current recipe: as
    `images_with_ids` selects it), unsealed; made (and stored) when there is none or it cannot
    be read. `keys` (from `cases.datakeys.keys_for`) saves the key lookup."""
    if stored is not None:
        try:
            with stored.file.open("rb") as fh:
                blob = fh.read()
            return datakeys.unseal(
                scope=datakeys.scope_of_evidence(evidence), blob=blob, context=stored.crypto_context, keys=keys
            )
        except (OSError, DecryptionError):
            stored.delete()  # unreadable (file lost): made again below
    return photo_derivative_make(evidence=evidence)


@dataclass
class LoadedImages:
    """What `images_with_ids` read: the JPEGs by image key, the evidence row id of each, and the
    data keys it loaded (by scope), which the caller may reuse to seal the packet."""

    images: dict[str, bytes]
    ids: dict[str, int]
    keys: dict[str, bytes]


# What `photo_for` and `cases.datakeys.scope_of_evidence` read of a photo and its derivative: the
# rest (descriptions, incident narratives) is neither decrypted nor loaded. A photo whose
# derivative has to be made again loads the rest of its row then.
_EVIDENCE_FOR_PHOTO = (
    "id", "public_id", "sha256", "case_id", "complaint_id", "incident_id",
    "case__public_id", "complaint__case__public_id", "incident__public_id",
)  # fmt: skip


def load_images(context: dict[str, Any], user: AnyUser) -> dict[str, bytes]:
    return images_with_ids(context, user).images


def images_with_ids(context: dict[str, Any], user: AnyUser, *, also_scope: str = "") -> LoadedImages:
    """The JPEGs to embed for the context's image keys, of the photos the user may see (the scope
    is applied again here: the keys are only strings). Stored derivatives are read in one query
    with their photos; a photo without a usable one is read apart and its derivative made.
    `also_scope`: a data key to load with the photos' (the packet's own, to seal it)."""
    wanted = {_uuid(k) for k in context.get("images", [])}
    if not wanted:
        return LoadedImages({}, {}, {})
    visible = evidence_list_visible_to(user=user).filter(public_id__in=wanted)
    stored = list(
        PhotoDerivative.objects.filter(
            evidence__in=visible.values("pk"), recipe=PHOTO_RECIPE, source_sha256=F("evidence__sha256")
        )
        .select_related("evidence__case", "evidence__complaint__case", "evidence__incident")
        .only(
            "id",
            "public_id",
            "evidence_id",
            "source_sha256",
            "recipe",
            "file",
            *(f"evidence__{f}" for f in _EVIDENCE_FOR_PHOTO),
        )
    )
    rows: list[tuple[Evidence, PhotoDerivative | None]] = [(d.evidence, d) for d in stored]
    missing = wanted - {str(e.public_id) for e, _ in rows}
    if missing:
        rows += [
            (e, None)
            for e in visible.filter(public_id__in=missing).select_related("case", "complaint__case", "incident")
        ]
    scopes = {datakeys.scope_of_evidence(e) for e, _ in rows}
    keys = datakeys.keys_for(scopes | ({also_scope} if also_scope else set()))
    loaded = LoadedImages({}, {}, keys)
    for evidence, derivative in rows:
        try:
            loaded.images[evidence.public_id.hex] = photo_for(evidence, derivative, keys)
            loaded.ids[evidence.public_id.hex] = evidence.pk
        except Exception:  # an unreadable photo is listed in the index, not embedded
            logger.warning("evidence photo could not be embedded in a packet", exc_info=False)
    return loaded


def _uuid(hex_key: str) -> str:
    return str(uuid.UUID(hex=hex_key))
