"""Search at street scale: GET /api/v1/search, the /search page and the similar topics while a title
is typed — time and SQL queries. Prints numbers; it is not a pass/fail test.

On the scale data set (`flask seed-scale`, seeded by bench/insight.py's seed_if_empty when the
database is empty; its last step writes the search index), in this process through Flask's test
client (server time, no network), each request --repeat times after one warm-up call (the
warm-up also loads jieba's dictionary). The resident is one of the busiest building's; the street
administrator sees all 223 courtyards (~22,000 topics, ~83,000 messages). The queries:

  漏水        common in titles (水管漏水, 下雨天顶层漏水 …)
  暖气 不热   two words, both required
  解决        in ~1 message of 6 (希望尽快解决。): the most rows to rank
  电动车棚    jieba cuts it 电动车/棚: both phrases must be there
  车棚顶漏雨  no such text: nothing found

    python bench/search.py                                       # SQLite file in /tmp
    python bench/search.py --url sqlite:////tmp/scale.sqlite3 --url postgresql://postgres@127.0.0.1/scale

With several --url, each database is measured in a process of its own, one after the other, and
the figures are printed together at the end with the load average before and after each.
Besides the wall time, `cpu` is the median CPU time a request took: this process's and, on
PostgreSQL, its server process's (from /proc), as bench/pages.py measures it — steadier than the
wall time on the shared cores, where other processes take turns with this one.
A database seeded before migration 0011 gets its index from the migration (`flask init-db`).
"""
from __future__ import annotations

import importlib.util
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_spec = importlib.util.spec_from_file_location("bench_insight", ROOT / "bench" / "insight.py")
bench_insight = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_insight)

QUERIES = ("漏水", "暖气 不热", "解决", "电动车棚", "车棚顶漏雨")


def main() -> None:
    args = bench_insight.scale_arguments(__file__, __doc__, repeat=10)
    if args is None:
        return

    os.environ["DATABASE_URL"] = args.url
    import sqlalchemy as sa
    from flask import g

    from courtyard import create_app
    from courtyard.accounts.models import User
    from courtyard.accounts.services import issue_token
    from courtyard.deliberation.models import Topic
    from courtyard.extensions import db
    from courtyard.places.models import Membership, MembershipStatus, Role
    from courtyard.search.models import SearchEntry

    app = create_app()
    app.config["RATELIMIT_ENABLED"] = False
    with app.app_context():
        cpu_seconds = bench_insight.cpu_meter(db.engine)
        backends = cpu_seconds.backends  # PostgreSQL's server processes for this app: their CPU is the request's too

        admin = db.session.scalar(sa.select(User).where(User.login == "admin"))
        busiest = db.session.scalar(sa.select(Topic.courtyard_id).group_by(Topic.courtyard_id)
                                    .order_by(sa.func.count().desc()).limit(1))
        resident = db.session.scalar(sa.select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.courtyard_id == busiest, Membership.status == MembershipStatus.active,
            Membership.role == Role.resident).order_by(User.id).limit(1))
        entries = db.session.scalar(sa.select(sa.func.count()).select_from(SearchEntry))
        tokens = {who.login: issue_token(who) for who in (admin, resident)}
        names = {"admin": "street admin", resident.login: "resident"}
        db.session.commit()
        api = {login: app.test_client() for login in tokens}  # one each: a session cookie would win over a token
        page = app.test_client()
        with page.session_transaction() as sess:
            sess["_user_id"] = resident.get_id()
            sess["_fresh"] = True

        def get(path, who=None, **params):
            headers = {"Authorization": f"Bearer {tokens[who]}"} if who else None
            client = api[who] if who else page

            def call():
                for name in list(g):  # a fresh g per request, as in production (tests/conftest.py says why)
                    g.pop(name)
                r = client.get(path, query_string=params, headers=headers)
                assert r.status_code == 200, (path, params, r.status_code, r.get_data(as_text=True)[:300])
                db.session.remove()
                return r
            return call

        cases = []
        for who in ("admin", resident.login):
            for q in QUERIES:
                cases.append((f"search {q} ({names[who]})", get("/api/v1/search", who, q=q)))
        cases.append(("page /search 漏水 (resident)", get("/search", None, q="漏水")))
        for title in ("楼道灯", "楼道的灯又坏了，晚上看不见", "电动车充电"):
            cases.append((f"similar {title}", get(f"/api/v1/courtyards/{busiest}/topics/similar", resident.login,
                                                  title=title)))
        print(f"{entries:,} index entries; courtyard {busiest} for the resident and the similar topics")
        print(f"\n{db.engine.dialect.name}; {'request':44} {'min':>7} {'median':>7} {'max':>7} {'cpu':>6} "
              f"{'hits':>7} {'queries':>8}  (ms, {args.repeat} runs after a warm-up; cpu: median CPU time, with the "
              f"database server's)")
        for name, fn in cases:
            ms, cpu, statements, body = bench_insight.measure(fn, args.repeat, cpu_seconds, db.engine)
            data = body.get_json(silent=True) or {}
            hits = data.get("total", len(data.get("items", []))) if data else "-"
            print(f"{name:52} {min(ms):7.0f} {statistics.median(ms):7.0f} {max(ms):7.0f} {statistics.median(cpu):6.0f}"
                  f" {hits:>7} {statements:8}", flush=True)

if __name__ == "__main__":
    main()
