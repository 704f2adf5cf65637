"""The in-app notification centre and outbound channels (SMS, WeChat) behind one interface.

A leaf: it listens to the other domains' signals (listeners.py) and reads their models to
find who should hear of what; no other domain imports it (.importlinter). create_app
calls `init_app` before the API blueprint is registered, so its JSON routes join /api/v1.
Outbound messages are delivery records (outbound.py) sent after the commit and by the
scheduler's `notifications.deliver_due` job.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .. import scheduler
    from . import api as _api  # noqa: F401  (adds the /api/v1/notifications routes)
    from . import channels, listeners, outbound, rules, views

    app.register_blueprint(views.bp)
    # NOTIFY_QUIET_HOURS: a window (rules.QuietHours) or None; a bad value stops start-up.
    quiet = app.config.get("NOTIFY_QUIET_HOURS", rules.DEFAULT_QUIET)
    if quiet is None or isinstance(quiet, str):
        try:
            app.config["NOTIFY_QUIET_HOURS"] = rules.parse_quiet_hours(quiet)
        except ValueError as err:
            raise RuntimeError(str(err)) from None
    channels.init_app(app)
    listeners.connect()
    scheduler.register("notifications.deliver_due", outbound.deliver_due)
