"""Voting: proposals (方案) in topics, ballots under four rules, live tallies, decision records."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Pages, the template helper of the topic page, and the jobs that remind the roll and close ballots on time."""
    from .. import scheduler
    from . import services, views

    app.register_blueprint(views.bp)
    scheduler.register("voting.close_due_ballots", services.close_due_ballots)
    scheduler.register("voting.remind_closing_ballots", services.remind_closing_ballots)
