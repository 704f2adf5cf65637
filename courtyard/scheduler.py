"""Jobs that run by themselves: closing ballots at their deadline, later task deadlines.

A job is a function of no arguments that finds its own due work with `clock.now()` and
does it; it must be safe to run at any moment, in several processes at once (the jobs'
writes decide who wins, e.g. with a conditional UPDATE).

Every server process runs the loop. With REDIS_URL only one of them runs the jobs: the one
holding the lease `courtyard:scheduler:lease` (`holds_lease`), which it renews at each run;
when that process stops, the lease expires after LEASE_RUNS intervals and the next process
to look takes it. Without Redis, or when Redis does not answer, each process runs them,
which the jobs are written to bear.

    scheduler.register("voting.close_due", services.close_due_ballots)
    scheduler.run_due()          # every job once, now (tests call this with a chosen clock)
    scheduler.start(app)         # wsgi.py: once at start-up, then every `interval` seconds
                                 # (with REDIS_URL: by whichever process holds the lease)

The loop uses only socketio.start_background_task and socketio.sleep, so it runs on
eventlet, gevent or threads alike. Work that fell due while the server was down is done by
the first run, straight after start-up.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

from . import cluster
from .extensions import db, socketio

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 1.0  # seconds between runs
LEASE_RUNS = 3          # the lease outlives its holder's last run by this many intervals
LEASE_KEY = cluster.key("scheduler", "lease")

# Take the lease when free, renew it when ours: KEYS[1] the lease; ARGV process id, ttl (ms).
_LEASE = """
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""


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


def holds_lease(app: Flask, interval: float, process_id: str = cluster.PROCESS_ID) -> bool:
    """Whether this process is to run the jobs now (taking or renewing the lease in Redis).
    Always True without Redis, or when Redis fails (the jobs bear running twice)."""
    redis = cluster.client(app)
    if redis is None:
        return True
    try:
        ttl_ms = max(1, int(interval * LEASE_RUNS * 1000))
        return bool(redis.eval(_LEASE, 1, LEASE_KEY, process_id, ttl_ms))
    except Exception as exc:  # redis.RedisError, OSError
        log.warning("scheduler lease in Redis failed (%s); running the jobs here", exc)
        return True


def _tick(app: Flask, interval: float) -> None:
    if holds_lease(app, interval):
        run_due(app)


def _loop(app: Flask, interval: float) -> None:
    while True:
        socketio.sleep(interval)
        try:
            _tick(app, interval)
        except Exception:  # never let the loop die
            log.exception("scheduler run failed")


def start(app: Flask, interval: float | None = None) -> None:
    """Run the jobs now — before the server takes its first request — then every `interval`
    seconds in a background task of this process."""
    interval = interval if interval is not None else app.config.get("SCHEDULER_INTERVAL", DEFAULT_INTERVAL)
    _tick(app, interval)
    socketio.start_background_task(_loop, app, interval)
