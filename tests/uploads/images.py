"""Images made in memory with Pillow, for upload tests."""
from __future__ import annotations

import io
import os

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def image_bytes(fmt: str = "JPEG", size=(64, 48), color=(200, 80, 40), **save) -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if fmt in ("PNG", "WEBP") and save.pop("alpha", False) else "RGB"
    Image.new(mode, size, color if mode == "RGB" else (*color, 128)).save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_gps(size=(64, 48), orientation: int | None = None) -> bytes:
    """A phone-like JPEG: EXIF with a camera model, GPS position (Fangzhuang) and optionally orientation."""
    img = Image.new("RGB", size, (10, 120, 200))
    # A mark in the top-left corner, to see where it ends up after rotation.
    img.paste((255, 0, 0), (0, 0, 8, 8))
    exif = Image.Exif()
    exif[0x0110] = "PhoneCam 12"  # Model
    if orientation:
        exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "N", 2: (39.0, 51.0, 57.6), 3: "E", 4: (116.0, 26.0, 0.0)}
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes(), quality=95)
    return out.getvalue()


def noise_png(min_bytes: int) -> bytes:
    """A PNG that does not compress: random pixels, at least `min_bytes` long."""
    side = int((min_bytes / 3) ** 0.5) + 16
    img = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    img.save(out, "PNG", compress_level=0)
    data = out.getvalue()
    assert len(data) >= min_bytes
    return data
