"""Who may read which figures and boards: the table of courtyard/insight/permissions.py, as a matrix."""
from __future__ import annotations

import pytest

SCOPES = ("street", "community:c1", "community:c2", "courtyard:a", "courtyard:b", "courtyard:x")
# status of GET /stats for each person and scope
STATS = {
    "admin":       (200, 200, 200, 200, 200, 200),
    "staff_c1":    (403, 200, 403, 200, 200, 404),
    "staff_c2":    (403, 403, 200, 404, 404, 200),
    "secretary_a": (403, 403, 403, 200, 404, 404),
    "lead_a":      (403, 403, 403, 403, 404, 404),
    "resident_a":  (403, 403, 403, 403, 404, 404),
    "p1_staff":    (403, 403, 403, 404, 404, 404),
    "outsider":    (403, 403, 403, 404, 404, 404),
}
# staff tools (foresight, exports): the secretary loses the courtyard
STAFF_TOOLS = {**STATS, "secretary_a": (403, 403, 403, 403, 404, 404)}
# community boards (ranking, board, exposure) of c1 and c2
BOARDS = {
    "admin": (200, 200), "staff_c1": (200, 404), "staff_c2": (404, 200), "secretary_a": (200, 404),
    "lead_a": (200, 404), "resident_a": (200, 404), "resident_x": (404, 200), "p1_staff": (404, 404),
    "outsider": (404, 404),
}


def person(w, name):
    return {"resident_a": w.residents["a"][0], "resident_x": w.residents["x"][0]}.get(name) or getattr(w, name)


def scope_key(w, s):
    if s == "street":
        return s
    kind, ref = s.split(":")
    return f"{kind}:{getattr(w, ref).id}"


def test_stats_matrix(api, world):
    w = world
    seen = {name: tuple(api.as_(person(w, name)).get("/stats", query_string={"scope": scope_key(w, s)}).status_code
                        for s in SCOPES) for name in STATS}
    assert seen == STATS


def test_foresight_and_export_matrix(api, world):
    w = world
    for path in ("/foresight", "/exports"):
        seen = {name: tuple(api.as_(person(w, name)).get(path, query_string={"scope": scope_key(w, s)}).status_code
                            for s in SCOPES) for name in STAFF_TOOLS}
        assert seen == STAFF_TOOLS, path


def test_boards_matrix(api, world):
    w = world
    for what in ("ranking", "board", "exposure"):
        seen = {name: tuple(api.as_(person(w, name)).get(f"/communities/{c.id}/{what}").status_code
                            for c in (w.c1, w.c2)) for name in BOARDS}
        assert seen == BOARDS, what
    assert api.as_(w.admin).get("/communities/999/board").status_code == 404


@pytest.mark.parametrize("path", ["/stats?scope=street", "/foresight?scope=street", "/exports?scope=street",
                                  "/communities/1/board", "/communities/1/ranking", "/communities/1/exposure"])
def test_anonymous_callers_are_401(api, world, path):
    assert api.get(path).status_code == 401


def test_pages_follow_the_same_rules(app, world):
    from .test_pages import browse
    w = world
    assert browse(app, w.staff_c1).get(f"/insight?scope=community:{w.c2.id}").status_code == 403
    assert browse(app, w.staff_c1).get(f"/insight?scope=courtyard:{w.x.id}").status_code == 404
    assert browse(app, w.staff_c1).get("/insight?scope=nonsense").status_code == 404
    assert browse(app, w.residents["x"][0]).get(f"/communities/{w.c1.id}/ranking").status_code == 404
    assert browse(app, w.p1_staff).get("/boards").status_code == 200
