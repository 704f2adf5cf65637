"""Photo uploads: the type is read from the content, never from the name or the client's word.

Every accepted image is decoded and encoded afresh, which drops its metadata (EXIF with
the GPS position of a phone photo, XMP, comments) while keeping what it shows: the EXIF
orientation is applied to the pixels first. Files are stored under UPLOAD_DIR with a
random name; the database row records who uploaded it.
"""
from __future__ import annotations

import io
import os
import secrets
import tempfile
import warnings
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from .. import clock
from ..errors import Invalid, TooLarge
from ..extensions import db
from ..validation import Fields, parse_id
from .models import Upload

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 4096  # larger photos are scaled down to fit this box
# Decoding a small file must not be able to take gigabytes: 50 megapixels is more than any phone sends.
MAX_PIXELS = 50_000_000
MAX_PHOTOS = 9  # photos on one topic or one task update
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# Pillow's format name -> (Content-Type, file extension)
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


def _not_an_image() -> Invalid:
    return Invalid(fields={"file": _l("Choose a photo (JPEG, PNG or WebP).")})


def _read_limited(stream) -> bytes:
    data = stream.read(MAX_BYTES + 1)
    if not isinstance(data, bytes):
        raise _not_an_image()
    if len(data) > MAX_BYTES:
        raise TooLarge(_l("A photo may be at most %(mb)s MB.", mb=MAX_BYTES // (1024 * 1024)))
    return data


def _decode(data: bytes) -> tuple[Image.Image, str]:
    """The image and its format, fully decoded; Invalid for anything that is not a photo we take."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=list(FORMATS))
        if img.format not in FORMATS:
            raise _not_an_image()
        if img.width * img.height > MAX_PIXELS:
            raise Invalid(fields={"file": _l("This picture is too large to open.")})
        img.load()
        return img, img.format
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Invalid(fields={"file": _l("This picture is too large to open.")})
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError):
        raise _not_an_image()


def _clean(img: Image.Image, fmt: str) -> bytes:
    """Orientation applied, scaled to MAX_SIDE, encoded without any metadata but the colour profile."""
    icc = img.info.get("icc_profile")
    img = ImageOps.exif_transpose(img)
    if fmt == "JPEG":
        img = img.convert("RGB") if img.mode not in ("RGB", "L") else img
    elif img.mode not in ("RGB", "RGBA", "L", "LA"):
        img = img.convert("RGBA" if "A" in img.mode or "transparency" in img.info else "RGB")
    if img.width > MAX_SIDE or img.height > MAX_SIDE:
        img.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A new image carries nothing but pixels: no EXIF, XMP, text chunks or comments.
    fresh = Image.new(img.mode, img.size)
    fresh.paste(img)
    options = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        options.update(quality=85, optimize=True)
    elif fmt == "WEBP":
        options.update(quality=85)
    elif fmt == "PNG":
        options.update(optimize=True)
    out = io.BytesIO()
    fresh.save(out, fmt, **options)
    return out.getvalue()


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(actor, stream) -> Upload:
    """Keep a photo for `actor`. Raises TooLarge (over 5 MB) or Invalid (fields.file: not a
    JPEG, PNG or WebP image, unreadable, or too many pixels)."""
    if stream is None:
        raise Invalid(fields={"file": _l("Choose a photo.")})
    data = _read_limited(stream)
    if not data:
        raise Invalid(fields={"file": _l("Choose a photo.")})
    img, fmt = _decode(data)
    try:
        clean = _clean(img, fmt)
    except (OSError, ValueError) as exc:  # an image Pillow opens but cannot re-encode
        current_app.logger.warning("upload could not be re-encoded: %s", exc)
        raise _not_an_image()
    content_type, ext = FORMATS[fmt]
    name = f"{secrets.token_urlsafe(24)}.{ext}"
    folder = upload_dir()
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(clean)
        os.replace(tmp, folder / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    with Image.open(io.BytesIO(clean)) as check:
        width, height = check.size
    upload = Upload(owner_id=actor.id, stored_name=name, content_type=content_type, size=len(clean),
                    width=width, height=height, created_at=clock.now())
    db.session.add(upload)
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        (folder / name).unlink(missing_ok=True)
        raise
    return upload


def own_uploads(f: Fields, actor, photo_ids, *, field: str = "photo_ids", limit: int = MAX_PHOTOS) -> list[Upload]:
    """The uploads `photo_ids` names, in that order without repeats, if every one is the actor's
    own upload (a topic's photos, a task update's). Empty for None or ""; otherwise a message on
    `field`: more than `limit`, not a list, or an id that is not one of the actor's uploads."""
    if photo_ids in (None, ""):
        return []
    if not isinstance(photo_ids, (list, tuple)) or len(photo_ids) > limit:
        f.add(field, _l("At most %(n)s photos.", n=limit))
        return []
    ids = [parse_id(value) for value in photo_ids]
    if None in ids:
        f.add(field, _l("Not one of your uploads."))
        return []
    uploads = {u.id: u for u in db.session.scalars(sa.select(Upload).where(Upload.id.in_(ids or [-1])))}
    if any(i not in uploads or uploads[i].owner_id != actor.id for i in ids):
        f.add(field, _l("Not one of your uploads."))
        return []
    return [uploads[i] for i in dict.fromkeys(ids)]


def upload_url(upload: Upload | int) -> str:
    upload_id = upload if isinstance(upload, int) else upload.id
    return f"/uploads/{upload_id}"


def get_upload(upload_id) -> Upload:
    from ..places.services import get_or_404
    return get_or_404(Upload, upload_id)


def path_of(upload: Upload) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / upload.stored_name
