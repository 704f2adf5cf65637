"""WORKER_NAME: the session ids a named worker hands out carry its name (courtyard/worker.py)."""
from __future__ import annotations

import pytest

from courtyard import worker


def test_a_named_worker_prefixes_its_ids():
    """nginx reads the name back (deploy/nginx.conf's map; tests/cluster's polling test)."""
    generate = worker.prefixed(lambda: "n5xB0TU4cCpx4heoAAAA", "w1")
    assert generate() == "w1.n5xB0TU4cCpx4heoAAAA"


@pytest.mark.parametrize("name", ["", "w.1", "w 1", "x" * 33, "w1/"])
def test_a_name_nginx_could_not_route_is_refused_at_start_up(name):
    with pytest.raises(RuntimeError, match="WORKER_NAME"):
        worker.check_name(name)
