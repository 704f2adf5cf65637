"""Tasks (任务): decisions handed to property companies and departments, worked in the open,
accepted and rated by residents; the service clock and 吹哨报到 escalation. (The audit log
is courtyard/audit/.)"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Pages, and the service clock as a job of courtyard/scheduler.py."""
    from .. import scheduler
    from . import clock, views

    app.register_blueprint(views.bp)
    scheduler.register("tasks.service_clock", clock.run_service_clock)
