"""Both PostgreSQL drivers yield to other green threads during a slow query.

pg8000 through the monkey-patched socket module, psycopg2 through psycogreen (wsgi.py).
tests/runtime/green_probe.py runs the real server under eventlet and under gevent; these
tests read the order of what happened there. No timing thresholds: a driver that blocked
the hub would make the probe hang (the query can only end after the other answers arrive).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from courtyard.config import POSTGRES_DRIVERS

PG_URL = os.environ.get("TEST_DATABASE_URL")
PROBE = Path(__file__).with_name("green_probe.py")

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not PG_URL and os.environ.get("CI") != "true",
                       reason="TEST_DATABASE_URL is not set (CI sets it and fails without it)"),
]


def probe(mode: str, driver: str) -> dict:
    if not PG_URL:
        pytest.fail("TEST_DATABASE_URL is required in CI")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["TEST_DATABASE_URL"] = PG_URL
    env["DATABASE_DRIVER"] = driver
    try:
        done = subprocess.run([sys.executable, str(PROBE), mode], env=env, capture_output=True, text=True,
                              timeout=120)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{mode}, {driver}: the server hung while a query waited in PostgreSQL, so the driver blocks "
                    f"the hub.\n{exc.stdout}\n{exc.stderr}")
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stdout + done.stderr
    return json.loads(lines[-1][len("RESULT "):])


@pytest.mark.parametrize("driver", POSTGRES_DRIVERS)
@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_a_slow_query_does_not_stall_other_requests(mode, driver):
    result = probe(mode, driver)
    assert result["driver"] == driver
    assert result["slow_query_waiting_in_postgres"] is True
    assert result["query_events"] == [
        "slow query sent",
        "healthz answered 200",             # HTTP answered while the query waited …
        "socket.io connect answered 44",    # … and Socket.IO ran its connect handler (refused: no auth)
        "slow query returned",
    ]
    assert json.loads(result["socketio_answer"][2:]) == {"message": "unauthenticated"}
    # the contrast: a call that really blocks holds every other request back
    assert result["blocking_events"] == ["blocking call started", "blocking call returned", "healthz answered 200"]
