"""POST /api/v1/uploads and GET /uploads/<id>: type from the content, metadata stripped, safe headers."""
from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from courtyard.deliberation import services as deliberation
from courtyard.extensions import db
from courtyard.uploads import services
from courtyard.uploads.models import Upload

from ..api.conftest import assert_error
from .images import GPS_IFD, image_bytes, jpeg_with_gps, noise_png


def upload(api, user, data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return api.as_(user).post("/uploads", data={"file": (io.BytesIO(data), name, content_type)},
                              content_type="multipart/form-data")


@pytest.fixture
def resident(make):
    return make.resident(make.courtyard())


def stored(upload_id) -> Image.Image:
    row = db.session.get(Upload, upload_id)
    return Image.open(services.path_of(row))


def test_a_phone_jpeg_loses_its_exif_and_gps(api, resident):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test photo does have a position
    r = upload(api, resident, original)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert set(body) == {"id", "url"} and body["url"] == f"/uploads/{body['id']}"
    raw = services.path_of(db.session.get(Upload, body["id"])).read_bytes()
    img = Image.open(io.BytesIO(raw))
    assert img.format == "JPEG"
    assert not img.getexif() and "exif" not in img.info
    assert b"PhoneCam" not in raw and b"Exif" not in raw


def test_orientation_is_applied_to_the_pixels_before_the_exif_goes(api, resident):
    r = upload(api, resident, jpeg_with_gps(size=(64, 48), orientation=6))  # 6: rotate 90° clockwise
    img = stored(r.get_json()["id"])
    assert img.size == (48, 64)
    # The red corner mark was top-left; after a clockwise turn it is top-right.
    assert img.getpixel((44, 3))[0] > 200 and img.getpixel((3, 3))[0] < 100


@pytest.mark.parametrize("fmt, content_type", [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_png_and_webp_are_kept_in_their_format(api, resident, fmt, content_type):
    r = upload(api, resident, image_bytes(fmt, alpha=True), name="x.bin", content_type="application/octet-stream")
    assert r.status_code == 201, r.get_json()
    row = db.session.get(Upload, r.get_json()["id"])
    assert row.content_type == content_type and (row.width, row.height) == (64, 48)
    assert stored(row.id).format == fmt
    served = api.as_(resident).client.get(r.get_json()["url"], headers=api.as_(resident)._headers())
    assert served.status_code == 200 and served.mimetype == content_type


def test_the_stored_name_is_random_not_the_clients(api, resident):
    r = upload(api, resident, image_bytes(), name="../../etc/passwd.jpg")
    row = db.session.get(Upload, r.get_json()["id"])
    assert "passwd" not in row.stored_name and "/" not in row.stored_name and row.stored_name.endswith(".jpg")


def test_large_photos_are_scaled_down(api, resident):
    r = upload(api, resident, image_bytes("JPEG", size=(5000, 120)))
    assert r.status_code == 201
    assert stored(r.get_json()["id"]).size == (services.MAX_SIDE, 98)


@pytest.mark.parametrize("data, name, content_type", [
    (b"hello, this is not a photo\n" * 40, "photo.jpg", "image/jpeg"),
    (image_bytes("GIF"), "animation.gif", "image/gif"),
    (image_bytes("GIF"), "disguised.jpg", "image/jpeg"),
    (image_bytes("BMP"), "photo.bmp", "image/bmp"),
    (image_bytes("JPEG")[:200], "truncated.jpg", "image/jpeg"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "x.svg", "image/svg+xml"),
    (b"", "empty.jpg", "image/jpeg"),
], ids=["text-named-jpg", "gif", "gif-named-jpg", "bmp", "truncated-jpeg", "svg", "empty"])
def test_what_is_not_a_jpeg_png_or_webp_is_invalid(api, resident, data, name, content_type):
    assert_error(upload(api, resident, data, name, content_type), 422, "file")
    assert db.session.query(Upload).count() == 0


def test_over_five_megabytes_is_too_large(api, resident):
    data = noise_png(services.MAX_BYTES + 1024)
    assert_error(upload(api, resident, data, "big.png", "image/png"), 413)
    assert db.session.query(Upload).count() == 0


def test_a_body_over_the_request_limit_is_too_large(api, resident):
    assert_error(upload(api, resident, b"\xff" * (7 * 1024 * 1024)), 413)


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG file that claims to be width × height pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [10_000, 100_000], ids=["over-limit", "bomb"])
def test_a_decompression_bomb_is_refused_without_decoding_it(api, resident, side):
    assert_error(upload(api, resident, _png_header_only(side, side), "bomb.png", "image/png"), 422, "file")


def test_uploading_needs_a_login_a_multipart_body_and_a_file(api, resident):
    assert_error(upload(api, None, image_bytes()), 401)
    assert_error(api.as_(resident).post("/uploads", {"file": "x"}), 400)
    r = api.as_(resident).post("/uploads", data={"other": "x"}, content_type="multipart/form-data")
    assert_error(r, 422, "file")


# --- serving ---------------------------------------------------------------------------------

def get_photo(api, user, url):
    client = api.as_(user)
    return client.client.get(url, headers=client._headers())


def test_the_owner_sees_the_photo_with_safe_headers(api, resident):
    url = upload(api, resident, jpeg_with_gps()).get_json()["url"]
    r = get_photo(api, resident, url)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "image/jpeg"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Disposition"].startswith("inline")
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp and "'self'" not in csp
    assert "private" in r.headers["Cache-Control"] and "public" not in r.headers["Cache-Control"]
    assert Image.open(io.BytesIO(r.data)).format == "JPEG"


def test_a_photo_on_a_topic_is_seen_by_its_readers_only(api, make):
    cy = make.courtyard()
    author, neighbour = make.resident(cy), make.resident(cy)
    staff = make.community_staff(cy.building.community)
    outsider = make.resident(make.courtyard())
    pending = make.resident(cy, status="pending")
    photo = upload(api, author, image_bytes()).get_json()
    loose = upload(api, author, image_bytes()).get_json()
    assert get_photo(api, neighbour, photo["url"]).status_code == 404  # not attached yet: only the owner
    deliberation.create_topic(author, cy, title="楼道堆物", body="一楼楼道堆满纸箱", category="safety",
                              photo_ids=[photo["id"]])
    for reader in (author, neighbour, staff):
        assert get_photo(api, reader, photo["url"]).status_code == 200
    for other in (outsider, pending, None):
        assert get_photo(api, other, photo["url"]).status_code == 404
    assert get_photo(api, neighbour, loose["url"]).status_code == 404
    assert get_photo(api, author, "/uploads/987654").status_code == 404
    assert get_photo(api, author, f"/uploads/{10**20}").status_code == 404


def _with_metadata(fmt: str) -> bytes:
    img = Image.new("RGB", (40, 30), (0, 128, 0))
    exif = Image.Exif()
    exif[0x0110] = "PhoneCam 12"
    exif[GPS_IFD] = {1: "N", 2: (39.0, 51.0, 57.6), 3: "E", 4: (116.0, 26.0, 0.0)}
    out = io.BytesIO()
    if fmt == "PNG":
        from PIL.PngImagePlugin import PngInfo
        info = PngInfo()
        info.add_text("Comment", "PhoneCam 12 at home")
        img.save(out, "PNG", exif=exif.tobytes(), pnginfo=info)
    else:
        img.save(out, fmt, exif=exif.tobytes())
    assert b"PhoneCam" in out.getvalue()
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_metadata_is_dropped_too(api, resident, fmt):
    r = upload(api, resident, _with_metadata(fmt), name="x", content_type="image/png")
    assert r.status_code == 201
    raw = services.path_of(db.session.get(Upload, r.get_json()["id"])).read_bytes()
    assert b"PhoneCam" not in raw
    assert not Image.open(io.BytesIO(raw)).getexif()
