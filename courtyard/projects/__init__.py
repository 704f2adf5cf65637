"""The street's project pool (民生项目池): escalated problems worked as projects with an owner
department, a budget, milestones and the topics and tasks they answer."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Pages (the JSON routes join /api/v1 from courtyard/api)."""
    from . import views

    app.register_blueprint(views.bp)
