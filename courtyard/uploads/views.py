"""GET /uploads/<id>: a stored photo, to those who may see it, with headers that keep it inert."""
from __future__ import annotations

from flask import Blueprint, send_file
from flask_login import current_user

from ..errors import NotFound
from ..extensions import talisman
from . import permissions, services

bp = Blueprint("uploads", __name__)

# The photo is data, never a document: no scripts, no plug-ins, no same-origin powers.
PHOTO_CSP = "default-src 'none'; sandbox"
CACHE_SECONDS = 24 * 3600


@bp.app_template_global()
def photo_limits() -> dict:
    """What the photo picker checks in the browser before sending: the same limits the server holds."""
    return {"max_bytes": services.MAX_BYTES, "max_mb": services.MAX_BYTES // (1024 * 1024),
            "types": ",".join(mime for mime, _ext in services.FORMATS.values())}


@bp.get("/uploads/<int:upload_id>")
@talisman(content_security_policy=PHOTO_CSP)
def photo(upload_id):
    """One uploaded photo (owner, or readers of a topic it is attached to)."""
    upload = services.get_upload(upload_id)
    if not permissions.can_view_upload(current_user, upload):
        raise NotFound()
    path = services.path_of(upload)
    if not path.is_file():
        raise NotFound()
    ext = upload.stored_name.rsplit(".", 1)[-1]
    resp = send_file(path, mimetype=upload.content_type, conditional=True, etag=True,
                     max_age=CACHE_SECONDS, download_name=f"photo-{upload.id}.{ext}", as_attachment=False)
    # Only people with access may see it: shared caches must not keep a copy.
    resp.cache_control.public = False
    resp.cache_control.private = True
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Disposition"] = f'inline; filename="photo-{upload.id}.{ext}"'
    resp.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    resp.vary.add("Cookie")
    resp.vary.add("Authorization")
    return resp
