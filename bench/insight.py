"""Insight at street scale: how long the figures take for the whole street, on SQLite and PostgreSQL.

Prints numbers; it is not a pass/fail test. It seeds a database with `flask seed-scale`
(17 communities, 223 buildings, 100,000 residents, a year of topics, messages, ballots
and tasks) unless the database already holds it, then times, in this process through
Flask's test client (server time without the network):

  GET /api/v1/stats            street, one community, one courtyard (a year)
  GET /insight                 the dashboard page of the street
  GET /api/v1/foresight        未诉先办 of the street (hot spots, recurring problems, seasons)
  GET /communities/<id>/ranking  the 物业服务质量榜 page of one community
  GET /api/v1/exports          the street's tasks as CSV

each --repeat times after one warm-up call, and reports min / median / max in ms.

    python bench/insight.py                                            # SQLite file in /tmp
    python bench/insight.py --url postgresql://postgres@127.0.0.1/scale
    python bench/insight.py --url sqlite:////tmp/scale.sqlite3 --repeat 10

docs/performance.md ("Insight at street scale") records results.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def seed_if_empty(url: str, until: str, seed: int) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run(flask + ["init-db"], cwd=ROOT, env=env, check=True, capture_output=True)
    probe = subprocess.run([sys.executable, "-c", (
        "from courtyard import create_app; from courtyard.extensions import db; import sqlalchemy as sa\n"
        "app = create_app()\nwith app.app_context(): print(db.session.scalar(sa.text('SELECT count(*) FROM users')))")],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    if int(probe.stdout.strip().splitlines()[-1]) > 0:
        print(f"using the data already in {url}")
        return
    print(f"seeding {url} (flask seed-scale --until {until} --seed {seed}) …", flush=True)
    started = time.perf_counter()
    subprocess.run(flask + ["seed-scale", "--until", until, "--seed", str(seed)], cwd=ROOT, env=env, check=True)
    print(f"seeded in {time.perf_counter() - started:.0f} s")


def scale_arguments(script: str, description: str, repeat: int):
    """The arguments bench/pages.py and bench/search.py share, parsed; with several --url each
    is run in a process of its own (run_each_url) and None is returned, else the args with the
    one URL, its database seeded if empty."""
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", action="append", help="DATABASE_URL to use (repeatable; default a SQLite file in /tmp)")
    p.add_argument("--until", default="2026-06-15", help="last day of the seeded year")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=repeat)
    args = p.parse_args()
    args.url = args.url or ["sqlite:////tmp/courtyard-scale.sqlite3"]
    if len(args.url) > 1:
        run_each_url(script, args)
        return None
    args.url = args.url[0]
    seed_if_empty(args.url, args.until, args.seed)
    return args


def run_each_url(script: str, args) -> None:
    """With several --url: run `script` once per URL, each in a process of its own, and print
    their tables together with the load average before and after each (bench/pages.py,
    bench/search.py)."""
    tables = []
    for url in args.url:
        before = os.getloadavg()
        out = subprocess.run([sys.executable, script, "--url", url, "--until", args.until, "--seed",
                              str(args.seed), "--repeat", str(args.repeat)], capture_output=True, text=True,
                             check=True).stdout
        after = os.getloadavg()
        table = out[out.index("\n" + out.split("; request")[0].rsplit("\n", 1)[-1]):].strip("\n")
        tables.append(f"{table}\n  load average {before[0]:.2f} before, {after[0]:.2f} after")
    print("\n\n".join(tables))


def cpu_meter(engine):
    """A function giving this process's CPU seconds plus those of `engine`'s PostgreSQL server
    processes (from /proc): a request's cost on the shared cores, steadier than its wall time.
    Call it before the engine connects (it disposes the pool to see every connection made)."""
    from sqlalchemy import event
    backends: set[int] = set()
    if engine.dialect.name == "postgresql":
        engine.dispose()

        @event.listens_for(engine, "connect")
        def _backend(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT pg_backend_pid()")
            backends.add(cursor.fetchone()[0])
            cursor.close()

    def cpu_seconds() -> float:
        total = time.process_time()
        for pid in backends:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total
    cpu_seconds.backends = backends
    return cpu_seconds


def measure(fn, repeat: int, cpu_seconds, engine):
    """Call `fn` once to warm up, `repeat` times timed, once more counting its SQL statements.
    Returns (wall ms per run, cpu ms per run, statements, the last call's result)."""
    from sqlalchemy import event
    fn()  # warm-up: caches, the first connection, jieba's dictionary
    ms, cpu = [], []
    for _ in range(repeat):
        c0, t0 = cpu_seconds(), time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1000)
        cpu.append((cpu_seconds() - c0) * 1000)
    seen = []
    listener = lambda *a: seen.append(a[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        result = fn()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return ms, cpu, len(seen), result


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm-up: caches, the first connection, jieba's dictionary
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default="sqlite:////tmp/courtyard-scale.sqlite3", help="DATABASE_URL to use")
    p.add_argument("--until", default="2026-06-15", help="last day of the seeded year")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    seed_if_empty(args.url, args.until, args.seed)

    os.environ["DATABASE_URL"] = args.url
    from datetime import date, datetime, time as dtime

    import sqlalchemy as sa

    from courtyard import clock, create_app
    from courtyard.accounts.models import User
    from courtyard.accounts.services import issue_token
    from courtyard.extensions import db
    from courtyard.insight.rules import LOCAL_TZ

    until = date.fromisoformat(args.until)

    class At:  # the figures as on the evening of the seeded year's last day
        def now(self):
            return datetime.combine(until, dtime(20, 0), LOCAL_TZ)

    app = create_app()
    app.config["RATELIMIT_ENABLED"] = False
    with app.app_context():
        clock.use(At())
        counts = {t: db.session.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in (
            "communities", "buildings", "users", "memberships", "topics", "messages", "tasks", "task_updates",
            "task_ratings", "proposals", "ballot_roll", "votes")}
        print(f"\n{db.engine.dialect.name}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        admin = db.session.scalar(sa.select(User).where(User.login == "admin"))
        token = issue_token(admin)
        community_id = db.session.scalar(sa.text("SELECT min(id) FROM communities"))
        courtyard_id = db.session.scalar(sa.text("SELECT min(id) FROM courtyards"))
        db.session.commit()
        api = app.test_client()
        page = app.test_client()
        with page.session_transaction() as sess:
            sess["_user_id"] = admin.get_id()
            sess["_fresh"] = True
        headers = {"Authorization": f"Bearer {token}"}
        window = {"from": f"{until.year - 1}-{until.month:02d}-01", "to": until.isoformat()}

        def get(client, path, **params):
            def call():
                r = client.get(path, query_string=params, headers=headers if client is api else None)
                assert r.status_code == 200, (path, r.status_code, r.get_data(as_text=True)[:300])
                db.session.remove()
                return r
            return call

        cases = [
            ("GET /api/v1/stats street", get(api, "/api/v1/stats", scope="street", **window)),
            ("GET /api/v1/stats community", get(api, "/api/v1/stats", scope=f"community:{community_id}", **window)),
            ("GET /api/v1/stats courtyard", get(api, "/api/v1/stats", scope=f"courtyard:{courtyard_id}", **window)),
            ("GET /insight (dashboard, street)", get(page, "/insight", scope="street", **window)),
            ("GET /api/v1/foresight street", get(api, "/api/v1/foresight", scope="street", **window)),
            ("GET /communities/<id>/ranking", get(page, f"/communities/{community_id}/ranking", **window)),
            ("GET /api/v1/exports tasks.csv street", get(api, "/api/v1/exports", scope="street", what="tasks",
                                                         **window)),
        ]
        print(f"\n{'request':40} {'min':>8} {'median':>8} {'max':>8}  (ms, {args.repeat} runs after a warm-up)")
        for name, fn in cases:
            ms = timed(fn, args.repeat)
            print(f"{name:40} {min(ms):8.0f} {statistics.median(ms):8.0f} {max(ms):8.0f}", flush=True)
        clock.reset()


if __name__ == "__main__":
    main()
