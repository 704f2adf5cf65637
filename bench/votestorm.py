"""Vote storm: V voters, each on their own websocket, cast `cast_vote` at the same moment.

Prints numbers; it is not a pass/fail test. Starts the app (`python wsgi.py`, eventlet by
default) on a temporary SQLite database (or --database-url), writes V residents with
bearer tokens and a topic (bench/demo_data.py), opens a majority ballot on a proposal in
it, connects the voters from client processes (the raw Engine.IO/Socket.IO client of
bench/fanout.py) and, at one agreed instant, has every voter cast. Reports:

* acks per second (V / time from the instant to the last ack) and the ack latency of each
  vote, from its send to its ack (p50, p99, max): the target is the last ack within 1 s;
* that every ack was ok and the tally counts exactly V (the last ack's tally, the REST
  tally, and — with --join — the last `vote.tallied` the room heard);
* how many `vote.tallied` each voter heard (coalesced: a few per second at most);
* the server's CPU during the storm.

    python bench/votestorm.py --voters 1000
    python bench/votestorm.py --voters 1000 --no-join          # voters not in the topic's room
    python bench/votestorm.py --voters 200 --database-url postgresql://postgres@127.0.0.1/bench
    python bench/votestorm.py --database-url sqlite \
        --database-url postgresql+pg8000://postgres@127.0.0.1/bench \
        --database-url postgresql+psycopg2://postgres@127.0.0.1/bench --repeat 2

With several --database-url (or --repeat) the storms run one after the other, round-robin
(`sqlite`: a new temporary SQLite file), and a table of them all is printed at the end with
the load average before and after each. A PostgreSQL URL names a server and a database to
connect to: each storm gets a new database of its own there (dropped afterwards), so no
storm counts another's residents. A plain postgresql:// URL gets the app's DATABASE_DRIVER.

docs/performance.md ("Vote storm") records results.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import subprocess
import sys
import time
from array import array
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, os.environ.get("COURTYARD_ROOT") or str(BENCH.parent))  # the app, for --open-ballot

import fanout  # noqa: E402  (engineer H's raw client, server runner and helpers)
from fanout import Server, Worker, machine, percentile, raise_fd_limit  # noqa: E402

CHOICES = ("yes", "no", "abstain")


# --- the ballot, written by a separate (unpatched) process -------------------------------------

def open_ballot(topic_id: int) -> dict:
    """A secretary for the topic's courtyard, a proposal, and a majority ballot open for an hour."""
    from datetime import timedelta

    from courtyard import clock, create_app
    from courtyard.accounts.services import new_user
    from courtyard.deliberation.models import Topic
    from courtyard.extensions import db
    from courtyard.places.models import Membership, MembershipStatus, Role
    from courtyard.voting import services

    app = create_app()
    with app.app_context():
        topic = db.session.get(Topic, topic_id)
        secretary = new_user(login=f"bench-secretary-{os.getpid()}-{time.time_ns()}", password=os.urandom(8).hex(),
                             display_name="王书记")
        db.session.add(Membership(courtyard_id=topic.courtyard_id, user=secretary, role=Role.secretary,
                                  status=MembershipStatus.active))
        db.session.commit()
        proposal = services.create_proposal(secretary, topic, title="北墙装 10 个充电口", body="压测方案")
        services.open_ballot(secretary, proposal, rule="majority", closes_at=clock.now() + timedelta(hours=1))
        return {"proposal_id": proposal.id}


class BallotServer(Server):
    """bench/fanout.py's app server, with a ballot opened in the topic."""

    def _prepare(self, env: dict, clients: int, posters: int):
        super()._prepare(env, clients, 0)
        done = subprocess.run([sys.executable, str(BENCH / "votestorm.py"), "--open-ballot", str(self.topic_id)],
                              cwd=self.root, env=env, capture_output=True, text=True, timeout=300)
        if done.returncode:
            raise RuntimeError(f"opening the ballot failed:\n{done.stdout}{done.stderr}")
        self.proposal_id = json.loads(done.stdout.strip().splitlines()[-1])["proposal_id"]

    def get(self, path: str, token: str) -> dict:
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()


# --- voter processes ---------------------------------------------------------------------------

class Voter(fanout.Client):
    """The fan-out client, also keeping the `vote.tallied` it hears."""

    def on_text(self, p: bytes, arrived: float, now: float):
        if p.startswith(b'42["vote.tallied",'):
            self.w.tallied += 1
            tally = json.loads(p[2:])[1]
            if tally.get("seq", -1) >= self.w.last_tally.get("seq", -1):
                self.w.last_tally = tally
            return
        super().on_text(p, arrived, now)


async def voter_loop(conn, cfg: dict):
    fanout.Client = Voter  # fanout.connect builds its clients by this name
    w = Worker()
    w.tallied, w.last_tally = 0, {}
    voters: list[Voter] = []
    async for cmd, arg in fanout._commands(conn):
        if cmd == "connect":
            t0 = time.monotonic()
            voters = await fanout.connect_all(w, cfg, [(t, cfg["port"]) for t in cfg["tokens"]], cfg["topic_id"])
            conn.send({"connected": len(voters), "errors": w.errors, "seconds": time.monotonic() - t0})
        elif cmd == "cast":  # arg: the wall-clock instant to cast at
            w.tallied, w.last_tally = 0, {}
            acks = array("d")
            results: dict[str, int] = {}
            tallies: list = []
            pending = [len(voters)]
            done = asyncio.Event()
            last_ack = [0.0]

            def acked(sent_at):
                def callback(ack):
                    t = time.time()
                    acks.append(t - sent_at)
                    last_ack[0] = max(last_ack[0], t)
                    ok = isinstance(ack, dict) and ack.get("ok")
                    code = "ok" if ok else (ack.get("error", {}).get("code") if isinstance(ack, dict) else "bad ack")
                    results[code] = results.get(code, 0) + 1
                    if ok:
                        tallies.append(ack["tally"])
                    pending[0] -= 1
                    if pending[0] == 0:
                        done.set()
                return callback

            await asyncio.sleep(max(0.0, arg - time.time()))
            first_sent = time.time()
            for i, v in enumerate(voters):
                v.emit("cast_vote", {"proposal_id": cfg["proposal_id"], "choice": CHOICES[(cfg["offset"] + i) % 3]},
                       callback=acked(time.time()))
            last_sent = time.time()
            try:
                await asyncio.wait_for(done.wait(), cfg["timeout"])
            except asyncio.TimeoutError:
                results["no ack"] = pending[0]
            newest = max(tallies, key=lambda t: t["seq"]) if tallies else None
            conn.send({"results": results, "acks": acks.tobytes(), "first_sent": first_sent, "last_sent": last_sent,
                       "last_ack": last_ack[0], "newest_tally": newest})
        elif cmd == "heard":  # arg: how long to wait for a vote.tallied counting `expect` voters
            expect, deadline = arg
            while (w.last_tally.get("participation", {}).get("people") != expect and time.time() < deadline
                   and cfg["topic_id"] is not None):
                await asyncio.sleep(0.02)
            conn.send({"tallied": w.tallied, "last_tally": w.last_tally, "alive": w.alive})
        elif cmd == "stop":
            for v in voters:
                v.close()
            await asyncio.sleep(0.05)
            conn.send({"ok": True})
            return


def voter_process(conn, cfg: dict):
    raise_fd_limit()
    asyncio.run(voter_loop(conn, cfg))


class VoterProcess(fanout.ClientProcess):
    def __init__(self, cfg: dict):
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=voter_process, args=(child, cfg), daemon=True)
        self.proc.start()


# --- the run ----------------------------------------------------------------------------------

def run(args) -> dict:
    server = BallotServer("app", args.mode, args.voters, 0, args.database_url, args.app_root)
    procs: list[VoterProcess] = []
    try:
        server.wait_ready()
        tokens = server.readers[:args.voters]
        parts = [tokens[i::args.procs] for i in range(args.procs)]
        offset = 0
        for part in parts:
            procs.append(VoterProcess({"host": "127.0.0.1", "port": server.port, "tokens": part,
                                       "topic_id": server.topic_id if args.join else None,
                                       "proposal_id": server.proposal_id, "offset": offset,
                                       "concurrency": args.connect_concurrency,
                                       "connect_timeout": args.connect_timeout, "deflate": False,
                                       "timeout": args.timeout}))
            offset += len(part)
        t0 = time.monotonic()
        for p in procs:
            p.send("connect")
        connected = [p.recv(timeout=600) for p in procs]
        connect_seconds = time.monotonic() - t0
        server.check_alive()
        n = sum(c["connected"] for c in connected)
        if args.profile:
            Path(args.profile).mkdir(parents=True, exist_ok=True)
        profiler = fanout.Profiler(server, "storm", Path(args.profile)) if args.profile else None
        cpu0 = server.cpu_seconds()
        go = time.time() + 0.5  # every process casts at this instant
        for p in procs:
            p.send("cast", go)
        casts = [p.recv(timeout=args.timeout + 60) for p in procs]
        cpu = server.cpu_seconds() - cpu0
        if profiler:
            profiler.stop()
        heard = [p.ask("heard", (n, time.time() + args.drain), timeout=args.drain + 60) for p in procs]
        server.check_alive()
        rest = server.get(f"/proposals/{server.proposal_id}/tally", tokens[0])
    finally:
        for p in procs:
            p.stop()
        server.stop(keep=args.keep)

    results: dict[str, int] = {}
    for c in casts:
        for k, v in c["results"].items():
            results[k] = results.get(k, 0) + v
    latencies = sorted(x for c in casts for x in array("d", c["acks"]))
    first = min(c["first_sent"] for c in casts)
    last_ack = max(c["last_ack"] for c in casts)
    newest = max((c["newest_tally"] for c in casts if c["newest_tally"]), key=lambda t: t["seq"], default=None)
    room = [h["last_tally"] for h in heard if h["last_tally"]]
    room_last = max(room, key=lambda t: t["seq"]) if room else None
    return {
        "voters": args.voters, "connected": n, "connect_seconds": connect_seconds,
        "connect_errors": {k: v for c in connected for k, v in c["errors"].items()},
        "results": results, "storm_seconds": last_ack - first,
        "send_spread": max(c["last_sent"] for c in casts) - first,
        "acks_per_second": results.get("ok", 0) / (last_ack - first) if last_ack > first else float("nan"),
        "p50": percentile(latencies, 50), "p99": percentile(latencies, 99),
        "max": latencies[-1] if latencies else float("nan"),
        "last_ack_tally": newest["participation"]["people"] if newest else None,
        "rest_tally": rest.get("participation", {}).get("people"), "rest_counts": rest.get("counts"),
        "room_last_tally": room_last["participation"]["people"] if room_last else None,
        "tallied_per_voter": (sum(h["tallied"] for h in heard) / n) if n and args.join else None,
        "server_cpu_seconds": cpu,
    }


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def report(r: dict) -> None:
    ok = r["results"].get("ok", 0)
    exact = r["rest_tally"] == r["voters"] == ok == r["last_ack_tally"]
    print(f"voters                 {r['voters']} connected {r['connected']} in {r['connect_seconds']:.1f} s"
          + (f"; connect errors {r['connect_errors']}" if r["connect_errors"] else ""))
    print(f"acks                   {r['results']}")
    print(f"last ack after         {ms(r['storm_seconds'])} (sends spread over {ms(r['send_spread'])})"
          f"  {'≤ 1 s: target met' if r['storm_seconds'] <= 1 else '> 1 s: target missed'}")
    print(f"acks per second        {r['acks_per_second']:.0f}")
    print(f"ack latency            p50 {ms(r['p50'])}  p99 {ms(r['p99'])}  max {ms(r['max'])}")
    print(f"tally                  last ack {r['last_ack_tally']}, REST {r['rest_tally']} {r['rest_counts']}, "
          f"room's last vote.tallied {r['room_last_tally']}  → {'exactly V' if exact else 'MISMATCH'}")
    if r["tallied_per_voter"] is not None:
        print(f"vote.tallied heard     {r['tallied_per_voter']:.1f} per voter (coalesced)")
    print(f"server CPU in storm    {r['server_cpu_seconds']:.2f} s")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--voters", type=int, default=1000)
    p.add_argument("--async", dest="mode", choices=("eventlet", "gevent"), default="eventlet")
    p.add_argument("--join", action=argparse.BooleanOptionalAction, default=True,
                   help="voters join the topic's room and hear vote.tallied (default yes)")
    p.add_argument("--procs", type=int, default=2, help="voter client processes (default 2)")
    p.add_argument("--connect-concurrency", type=int, default=100)
    p.add_argument("--connect-timeout", type=float, default=60)
    p.add_argument("--timeout", type=float, default=60, help="seconds to wait for the acks")
    p.add_argument("--drain", type=float, default=5, help="seconds to wait for the room's final tally")
    p.add_argument("--database-url", action="append",
                   help="app database (repeatable; `sqlite`, the default: a new temporary SQLite file; "
                        "PostgreSQL: a new database on that server for each storm)")
    p.add_argument("--repeat", type=int, default=1, help="run every --database-url this many times, round-robin")
    p.add_argument("--app-root", type=Path, default=BENCH.parent,
                   help="serve the app of another checkout (to try a change); default: this one")
    p.add_argument("--keep", action="store_true", help="keep the server's temporary files")
    p.add_argument("--json", help="also write the results to this file")
    p.add_argument("--profile", metavar="DIR", help="sample the server with py-spy during the storm (slows it)")
    p.add_argument("--open-ballot", type=int, metavar="TOPIC_ID", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def label(url: str | None) -> str:
    if not url or url == "sqlite" or url.startswith("sqlite"):
        return "SQLite"
    scheme = url.split("://", 1)[0]
    name = "PostgreSQL " + (scheme.split("+", 1)[1] if "+" in scheme else "(the app's DATABASE_DRIVER)")
    return name + (" sslmode=" + url.split("sslmode=", 1)[1].split("&")[0] if "sslmode=" in url else "")


class ScratchDatabase:
    """A new PostgreSQL database beside the one `url` names, for one storm; dropped on exit.

    The storm's URL is `url` with only the database name changed: the app picks the driver.
    """

    def __init__(self, url: str, n: int):
        import sqlalchemy as sa
        given = sa.engine.make_url(url)
        self.name = f"votestorm_{os.getpid()}_{n}"
        self.url = given.set(database=self.name).render_as_string(hide_password=False)
        admin = given.set(drivername="postgresql+pg8000").difference_update_query(["sslmode"])
        self.admin = sa.create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)

    def __enter__(self) -> str:
        import sqlalchemy as sa
        with self.admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{self.name}"'))
        return self.url

    def __exit__(self, *exc):
        import sqlalchemy as sa
        with self.admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


def storm(args, url: str | None, n: int) -> dict:
    args.database_url = None if not url or url == "sqlite" else url
    if args.database_url and args.database_url.startswith(("postgres://", "postgresql")):
        with ScratchDatabase(args.database_url, n) as scratch:
            args.database_url = scratch
            return run(args)
    return run(args)


def summary(rows: list[tuple[str, tuple, tuple, dict]]) -> None:
    print("\n| database, driver | load before → after | last ack after | acks/s | ack p50 / p99 | tally | "
          "vote.tallied per voter | server CPU |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, before, after, r in rows:
        ok = r["results"].get("ok", 0)
        exact = r["rest_tally"] == r["voters"] == ok == r["last_ack_tally"]
        heard = f"{r['tallied_per_voter']:.1f}" if r["tallied_per_voter"] is not None else "—"
        print(f"| {name} | {before[0]:.1f} → {after[0]:.1f} | {ms(r['storm_seconds'])} | {r['acks_per_second']:.0f} | "
              f"{r['p50'] * 1000:.0f} / {r['p99'] * 1000:.0f} ms | {'exactly V' if exact else 'MISMATCH'} | "
              f"{heard} | {r['server_cpu_seconds']:.2f} s |")


def main(argv=None):
    args = parse_args(argv)
    if args.open_ballot:
        print(json.dumps(open_ballot(args.open_ballot)))
        return
    fds = raise_fd_limit()
    urls = args.database_url or ["sqlite"]
    print(f"votestorm: {machine()}; file descriptors {fds}; async {args.mode}; "
          f"{args.voters} voters in {args.procs} client processes; "
          f"{'in' if args.join else 'not in'} the topic's room; "
          f"{', '.join(label(u) for u in urls)}" + (f"; {args.repeat} rounds" if args.repeat > 1 else ""), flush=True)
    profile = args.profile
    rows, results = [], []
    for round_ in range(args.repeat):
        for i, url in enumerate(urls):
            name = label(url)
            if profile:
                args.profile = str(Path(profile) / f"{round_ + 1}-{i + 1}-{name.replace(' ', '-')}")
            before = os.getloadavg()
            print(f"\n== {name} (round {round_ + 1}), load average {before[0]:.2f}", flush=True)
            r = storm(args, url, round_ * len(urls) + i)
            after = os.getloadavg()
            report(r)
            rows.append((name, before, after, r))
            results.append(dict(r, database=name, load_before=before, load_after=after))
    if len(rows) > 1:
        summary(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(results if len(results) > 1 else results[0], indent=2, default=str))


if __name__ == "__main__":
    main()
