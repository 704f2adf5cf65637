"""Insight: the figures of 接诉即办 (response, resolution, satisfaction), dashboards, the
物业服务质量榜, the 公示栏 and 曝光台, 未诉先办 (hot spots, recurring problems, seasons) and
exports. The street-sized data set to measure them on (`flask seed-scale`) is
courtyard/seeding/scale.py."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Pages and the layout's navigation flags."""
    from . import views

    app.register_blueprint(views.bp)
