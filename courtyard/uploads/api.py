"""JSON route: POST /api/v1/uploads (CONTRACT §4)."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import Field

from ..api.core import Body, bp, doc, login_required
from ..errors import BadRequest
from . import services
from .schemas import UploadOut


class UploadForm(Body):
    file: bytes = Field(json_schema_extra={"format": "binary", "contentMediaType": "image/*"},
                        description="One photo: JPEG, PNG or WebP, at most 5 MB")


@bp.post("/uploads")
@doc(body=UploadForm, response=UploadOut, status=201, errors=(413, 422), tag="uploads", content_type="multipart/form-data")
@login_required
def create_upload():
    """Upload one photo (multipart field `file`); its type is read from the content → {"id", "url"}."""
    if request.mimetype != "multipart/form-data":
        raise BadRequest(_l("Send the photo as multipart/form-data in a field named “file”."))
    upload = services.store_upload(current_user, request.files.get("file"))
    return jsonify({"id": upload.id, "url": services.upload_url(upload)}), 201
