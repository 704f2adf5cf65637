"""Pages at street scale: 未诉先办 for the whole street, the street's task export, and the busiest
topic's page — time and SQL queries. Prints numbers; it is not a pass/fail test.

On the scale data set (`flask seed-scale`, seeded by bench/insight.py's seed_if_empty when the
database is empty), in this process through Flask's test client (server time, no network), each
request --repeat times after one warm-up call, with the clock on the evening of the seeded
year's last day and the window a year, as bench/insight.py:

  GET /insight/foresight?scope=street   the 未诉先办 page of the whole street (street admin)
  GET /api/v1/foresight?scope=street    the same figures as JSON
  GET /insight?scope=street             the dashboard of the whole street (接诉即办's figures)
  GET /api/v1/exports?scope=street&what=tasks   the street's tasks as CSV
  GET /topics/<id>                      the topic with the most messages, as its secretary

    python bench/pages.py                                       # SQLite file in /tmp
    python bench/pages.py --url postgresql://postgres@127.0.0.1/scale --repeat 5
    python bench/pages.py --url sqlite:////tmp/scale.sqlite3 --url postgresql://postgres@127.0.0.1/scale

With several --url, each database is measured in a process of its own, one after the other, and
the figures are printed together at the end with the load average before and after each.

Besides the wall time, `cpu` is the median CPU time a request took: this process's and, on
PostgreSQL, its server process's (from /proc). On the shared machine, with other processes
waiting for the same cores, it is the steadier of the two.
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


def main() -> None:
    args = bench_insight.scale_arguments(__file__, __doc__, repeat=5)
    if args is None:
        return

    os.environ["DATABASE_URL"] = args.url
    from datetime import date, datetime, time as dtime

    import sqlalchemy as sa
    from flask import g

    from courtyard import clock, create_app
    from courtyard.accounts.models import User
    from courtyard.accounts.services import issue_token
    from courtyard.deliberation.models import Topic
    from courtyard.extensions import db
    from courtyard.insight.rules import LOCAL_TZ
    from courtyard.places.models import Membership, MembershipStatus, Role

    until = date.fromisoformat(args.until)

    class At:
        def now(self):
            return datetime.combine(until, dtime(20, 0), LOCAL_TZ)

    app = create_app()
    app.config["RATELIMIT_ENABLED"] = False
    with app.app_context():
        clock.use(At())
        cpu_seconds = bench_insight.cpu_meter(db.engine)
        backends = cpu_seconds.backends  # PostgreSQL's server processes for this app: their CPU is the request's too
        admin = db.session.scalar(sa.select(User).where(User.login == "admin"))
        token = issue_token(admin)
        topic = db.session.scalar(sa.select(Topic).order_by(Topic.message_count.desc()).limit(1))
        secretary = db.session.scalar(sa.select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.courtyard_id == topic.courtyard_id, Membership.status == MembershipStatus.active,
            Membership.role == Role.secretary).limit(1)) or admin
        topic_id, messages = topic.id, topic.message_count
        db.session.commit()

        def browser(user):
            client = app.test_client()
            with client.session_transaction() as sess:
                sess["_user_id"] = user.get_id()
                sess["_fresh"] = True
            return client

        api, page, own = app.test_client(), browser(admin), browser(secretary)
        headers = {"Authorization": f"Bearer {token}"}
        window = {"from": f"{until.year - 1}-{until.month:02d}-01", "to": until.isoformat()}

        def get(client, path, **params):
            def call():
                for name in list(g):  # a fresh g per request, as in production: else the first user answers for all
                    g.pop(name)
                r = client.get(path, query_string=params, headers=headers if client is api else None)
                assert r.status_code == 200, (path, r.status_code, r.get_data(as_text=True)[:300])
                db.session.remove()
                return r
            return call

        cases = [
            ("GET /insight/foresight street (page)", get(page, "/insight/foresight", scope="street", **window)),
            ("GET /api/v1/foresight street", get(api, "/api/v1/foresight", scope="street", **window)),
            ("GET /insight street (dashboard)", get(page, "/insight", scope="street", **window)),
            ("GET /api/v1/exports tasks.csv street", get(api, "/api/v1/exports", scope="street", what="tasks",
                                                         **window)),
            (f"GET /topics/{topic_id} ({messages} msgs)", get(own, f"/topics/{topic_id}")),
        ]
        print(f"\n{db.engine.dialect.name}; {'request':38} {'min':>7} {'median':>7} {'max':>7} {'cpu':>6} {'queries':>8}"
              f"  (ms, {args.repeat} runs after a warm-up; cpu: median CPU time, with the database server's"
              f"{f' ({len(backends)} backend)' if backends else ''})")
        for name, fn in cases:
            ms, cpu, statements, _body = bench_insight.measure(fn, args.repeat, cpu_seconds, db.engine)
            print(f"{name:46} {min(ms):7.0f} {statistics.median(ms):7.0f} {max(ms):7.0f} {statistics.median(cpu):6.0f}"
                  f" {statements:8}", flush=True)
        clock.reset()


if __name__ == "__main__":
    main()
