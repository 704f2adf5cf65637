"""Jobs that run by themselves: closing ballots at their deadline, later task deadlines.

A job is a function of no arguments that finds its own due work with `clock.now()` and
does it; it must be safe to run at any moment, in several processes at once (each server
process runs the loop; the jobs' writes decide who wins, e.g. with a conditional UPDATE).

    scheduler.register("voting.close_due", services.close_due_ballots)
    scheduler.run_due()          # every job once, now (tests call this with a chosen clock)
    scheduler.start(app)         # wsgi.py: once at start-up, then every `interval` seconds

The loop uses only socketio.start_background_task and socketio.sleep, so it runs on
eventlet, gevent or threads alike. Work that fell due while the server was down is done by
the first run, straight after start-up.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

from .extensions import db, socketio

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 1.0  # seconds between runs


@dataclass(frozen=True)
class Job:
    name: str
    fn: Callable[[], object]


_jobs: dict[str, Job] = {}


def register(name: str, fn: Callable[[], object]) -> None:
    """Add (or replace) a job by name."""
    _jobs[name] = Job(name, fn)


def jobs() -> list[str]:
    return list(_jobs)


def run_due(app: Flask | None = None) -> dict[str, object]:
    """Run every job once, each in its own app context; a failing job is logged and the others run.

    Returns what each job returned (or the exception it raised), by name.
    """
    app = app or current_app._get_current_object()
    results: dict[str, object] = {}
    for job in list(_jobs.values()):
        with app.app_context():
            try:
                results[job.name] = job.fn()
            except Exception as exc:
                log.exception("scheduled job %s failed", job.name)
                db.session.rollback()
                results[job.name] = exc
            finally:
                db.session.remove()
    return results


def _loop(app: Flask, interval: float) -> None:
    while True:
        socketio.sleep(interval)
        try:
            run_due(app)
        except Exception:  # never let the loop die
            log.exception("scheduler run failed")


def start(app: Flask, interval: float | None = None) -> None:
    """Run the jobs now — before the server takes its first request — then every `interval`
    seconds in a background task of this process."""
    interval = interval if interval is not None else app.config.get("SCHEDULER_INTERVAL", DEFAULT_INTERVAL)
    run_due(app)
    socketio.start_background_task(_loop, app, interval)
