"""Districts (片区) between the street and its communities: the 片区治理服务站's staff, the district
courtyard where the communities' secretaries and staff deliberate shared problems, topics raised
to the district (吹哨), and experience cases (经验案例) every community can learn from."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Pages (the JSON routes join /api/v1 from courtyard/api)."""
    from . import views

    app.register_blueprint(views.bp)
