"""Emergency notices (停水/停暖/停电…) to chosen courtyards, their live timeline, and the
door-to-door checklist of vulnerable households (敲门送暖)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Pages (the JSON routes join /api/v1 from courtyard/api)."""
    from . import views

    app.register_blueprint(views.bp)
