"""Fan-out benchmark: N websocket clients in one topic, M messages per second posted into it.

Prints numbers; it is not a pass/fail test. For each target it starts a real server
process on 127.0.0.1 — the app (`python wsgi.py` on a temporary SQLite database with
benchmark data, bench/demo_data.py; `appN`: N such processes on one database with
REDIS_URL pointing at a redis-server started here, each reader connected straight to one
of them), the bare Flask-SocketIO broadcast server (bench/bare_server.py) and the Node
socket.io one (bench/node_bare.js) — one after another, and drives it from separate
client processes that speak the Engine.IO 4 / Socket.IO 5 websocket framing directly on
asyncio (python-socketio's client would be the bottleneck long before the server). The
report puts the targets side by side, with the ratios app / bare and app / node.

Each message carries its send time (the wall clock) in its body, and each reader asks
the kernel to timestamp what it receives (SO_TIMESTAMPNS), so every delivery's latency is
measured from post to arrival, independent of how busy the reader process is: p50/p99/max,
deliveries per second, losses and out-of-order deliveries, server CPU (% of one core,
from /proc/<pid>/stat) and memory (RSS), client CPU, and the time to connect N clients.

    python bench/fanout.py --clients 100 --rate 10 --seconds 20            # app, bare and node
    python bench/fanout.py --clients 1000 --rate 10 --app-procs 2          # also the app on 2 processes
    python bench/fanout.py --clients 1000 --rate 10 --target app --async gevent
    python bench/fanout.py --hold 5000 --seconds 30 --target app,bare       # connect and hold
    python bench/fanout.py --hold 1000 --hold-join --seconds 2              # connect + join, side by side

docs/performance.md records results and how to read them.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import json
import math
import multiprocessing as mp
import os
import resource
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from array import array
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
MARK = b"fanout "  # message bodies are "fanout <seq> <send time, seconds since the epoch>"


def raise_fd_limit() -> int:
    """Up to the hard limit: a client process and a server each hold one descriptor per connection."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 1 << 20
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return want


# --------------------------------------------------------------------------------------
# The client: RFC 6455 framing + Engine.IO 4 + Socket.IO 5, just what the benchmark needs
# --------------------------------------------------------------------------------------

def ws_frame(text: str | bytes) -> bytes:
    """One masked text frame (clients must mask)."""
    payload = text.encode() if isinstance(text, str) else text
    n = len(payload)
    if n < 126:
        header = bytes((0x81, 0x80 | n))
    elif n < 65536:
        header = bytes((0x81, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        header = bytes((0x81, 0x80 | 127)) + n.to_bytes(8, "big")
    mask = os.urandom(4)
    key = (mask * (n // 4 + 1))[:n]
    masked = (int.from_bytes(payload, "little") ^ int.from_bytes(key, "little")).to_bytes(n, "little")
    return header + mask + masked


class Worker:
    """What one client process counts. Latencies are kept as doubles (seconds)."""

    def __init__(self):
        self.reset()
        self.connect_times = array("d")
        self.errors: dict[str, int] = {}
        self.alive = 0
        self.lost_connections = 0
        self.pings = 0
        self.compressed_sockets = 0  # the server accepted permessage-deflate
        self.presence_frames = 0  # presence.changed received since start (the app's; bare sends none)

    def reset(self):
        self.latencies = array("d")  # send → arrival in this host's kernel (SO_TIMESTAMPNS)
        self.read_latencies = array("d")  # send → read by this process: adds the client's own delay
        self.per_message: dict[int, list[float]] = {}  # seq → [first, last] arrival latency
        self.delivered = 0
        self.out_of_order = 0
        self.other_events = 0
        self.last_delivery = 0.0
        self.cpu0 = time.process_time()

    def error(self, what: str):
        self.errors[what] = self.errors.get(what, 0) + 1


# Linux: ask the kernel to stamp each received segment (CLOCK_REALTIME, struct timespec).
SO_TIMESTAMPNS = 35
TIMESPEC = struct.Struct("qq")


class Client:
    """One Socket.IO connection over a raw, non-blocking websocket on the asyncio loop.

    `ready` resolves once the connection is authenticated and (if `topic_id`) the
    `join_topic` ack came back ok. A delivery's latency is taken from the kernel's
    receive timestamp of the segment that carried it, so time this process spends on
    other sockets does not count against the server; the time it was read is kept too.
    """

    def __init__(self, worker: Worker, host: str, port: int, token: str | None, topic_id: int | None,
                 deflate: bool = False):
        self.w = worker
        self.host, self.port = host, port
        self.deflate = deflate  # ask for permessage-deflate, as browsers do
        self.inflate = None
        self.token = token
        self.topic_id = topic_id
        self.loop = asyncio.get_running_loop()
        self.ready: asyncio.Future = self.loop.create_future()
        # A failure after its waiter gave up (timeout) is counted there, not re-raised here.
        self.ready.add_done_callback(lambda f: f.cancelled() or f.exception())
        self.sock: socket.socket | None = None
        self.buf = bytearray()
        self.out = bytearray()
        self.upgraded = False
        self.fragments: bytearray | None = None
        self.compressed = False
        self.acks: dict[int, object] = {}
        self.next_id = 0
        self.last_id = -1
        self.connected = False
        self.closing = False

    # socket ---------------------------------------------------------------------------
    async def open(self):
        sock = self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        await self.loop.sock_connect(sock, (self.host, self.port))
        self.loop.add_reader(sock.fileno(), self._readable)
        key = base64.b64encode(os.urandom(16)).decode()
        self._write((
            "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
            f"Host: {self.host}:{self.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            + ("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" if self.deflate else "")
            + "\r\n").encode())

    def _write(self, data: bytes):
        if self.sock is None:
            return
        if not self.out:
            try:
                n = self.sock.send(data)
            except BlockingIOError:
                n = 0
            except OSError as err:
                self._lost(err)
                return
            if n == len(data):
                return
            data = data[n:]
            self.loop.add_writer(self.sock.fileno(), self._writable)
        self.out += data

    def _writable(self):
        try:
            n = self.sock.send(self.out)
        except BlockingIOError:
            return
        except OSError as err:
            self._lost(err)
            return
        del self.out[:n]
        if not self.out:
            self.loop.remove_writer(self.sock.fileno())

    def _readable(self):
        try:
            data, ancillary, _flags, _addr = self.sock.recvmsg(262144, 64)
        except BlockingIOError:
            return
        except OSError as err:
            self._lost(err)
            return
        if not data:
            self._lost(None)
            return
        now = time.time()
        arrived = now
        for level, kind, value in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                sec, nsec = TIMESPEC.unpack_from(value)
                arrived = sec + nsec * 1e-9
        self.data_received(data, arrived, now)

    def _lost(self, exc):
        if self.sock is None:
            return
        self.loop.remove_reader(self.sock.fileno())
        self.loop.remove_writer(self.sock.fileno())
        self.sock.close()
        self.sock = None
        if self.connected:
            self.w.alive -= 1
            if not self.closing:
                self.w.lost_connections += 1
        self.connected = False
        self._fail("connection closed" if exc is None else f"connection lost: {type(exc).__name__}")

    def _fail(self, why: str):
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(why))

    def close(self):
        self.closing = True
        self._lost(None)

    def send(self, text: str | bytes):
        self._write(ws_frame(text))

    # websocket frames -----------------------------------------------------------------
    def data_received(self, data: bytes, arrived: float, now: float):
        buf = self.buf
        buf += data
        if not self.upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(buf[:buf.find(b"\r\n")])
            if b" 101 " not in status:
                self._fail(f"handshake: {status.decode(errors='replace')}")
                self.close()
                return
            self.upgraded = True
            if b"permessage-deflate" in bytes(buf[:end]).lower():
                self.inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                self.w.compressed_sockets += 1
            del buf[:end + 4]
        pos, size = 0, len(buf)
        while size - pos >= 2:
            b0, b1 = buf[pos], buf[pos + 1]
            n, head = b1 & 0x7F, 2
            if n == 126:
                if size - pos < 4:
                    break
                n, head = int.from_bytes(buf[pos + 2:pos + 4], "big"), 4
            elif n == 127:
                if size - pos < 10:
                    break
                n, head = int.from_bytes(buf[pos + 2:pos + 10], "big"), 10
            if size - pos < head + n:
                break
            payload = bytes(buf[pos + head:pos + head + n])  # servers do not mask
            pos += head + n
            opcode = b0 & 0x0F
            if opcode == 0x1 or opcode == 0x0:
                if opcode == 0x1:
                    self.compressed = bool(b0 & 0x40)  # RSV1 on a message's first frame
                if not b0 & 0x80:  # fragmented: keep until the final frame
                    self.fragments = (self.fragments or bytearray()) + payload
                    continue
                if self.fragments is not None:
                    payload, self.fragments = bytes(self.fragments + payload), None
                if self.compressed:
                    payload = self.inflate.decompress(payload + b"\x00\x00\xff\xff")
                self.on_text(payload, arrived, now)
            elif opcode == 0x9:  # websocket ping → pong
                self._write(bytes((0x8A, 0x80 | len(payload))) + b"\0\0\0\0" + payload)
            elif opcode == 0x8:
                self.close()
                return
        del buf[:pos]

    # Engine.IO / Socket.IO packets ---------------------------------------------------------
    def on_text(self, p: bytes, arrived: float, now: float):
        kind = p[:1]
        if kind == b"4":  # Engine.IO message carrying a Socket.IO packet
            sio = p[1:2]
            if sio == b"2":
                if p.startswith(b'42["message.posted",'):
                    self.on_delivery(p, arrived, now)
                elif p.startswith(b'42["topic.created",'):  # the --hold probe
                    self.on_delivery(p, arrived, now, ordered=False)
                elif p.startswith(b'42["presence.changed",'):
                    self.w.presence_frames += 1
                    self.w.other_events += 1
                else:
                    self.w.other_events += 1
            elif sio == b"3":
                self.on_ack(p)
            elif sio == b"0":
                self.connected = True
                self.w.alive += 1
                if self.topic_id is None:
                    self.ready.set_result(self)
                else:
                    self.emit("join_topic", {"topic_id": self.topic_id}, callback=self._joined)
            elif sio == b"4":
                self._fail(f"connect_error {p[2:].decode(errors='replace')}")
            elif sio == b"1":
                self._fail("disconnected by server")
        elif kind == b"2":  # Engine.IO ping → pong
            self.w.pings += 1
            self.send(b"3")
        elif kind == b"0":  # Engine.IO open → Socket.IO connect with auth
            auth = {"token": self.token} if self.token else {}
            self.send("40" + json.dumps(auth))
        elif kind == b"1":
            self.close()

    def _joined(self, ack):
        if isinstance(ack, dict) and ack.get("ok"):
            if not self.ready.done():
                self.ready.set_result(self)
        else:
            code = ack.get("error", {}).get("code") if isinstance(ack, dict) else repr(ack)
            self._fail(f"join_topic refused: {code}")

    def emit(self, event: str, data, callback=None):
        if callback is None:
            self.send("42" + json.dumps([event, data], separators=(",", ":")))
            return
        self.next_id += 1
        self.acks[self.next_id] = callback
        self.send(f"42{self.next_id}" + json.dumps([event, data], separators=(",", ":")))

    def on_ack(self, p: bytes):
        i = 2
        while p[i:i + 1].isdigit():
            i += 1
        callback = self.acks.pop(int(p[2:i]), None)
        if callback is not None:
            args = json.loads(p[i:])
            callback(args[0] if args else None)

    def on_delivery(self, p: bytes, arrived: float, now: float, ordered: bool = True):
        w = self.w
        i = p.find(MARK, 20)
        if i < 0:
            w.other_events += 1
            return
        seq, sent = p[i + len(MARK):p.find(b'"', i)].split(b" ", 1)
        sent = float(sent)
        latency = arrived - sent
        w.latencies.append(latency)
        span = w.per_message.get(seq)
        if span is None:
            w.per_message[seq] = [latency, latency]
        elif latency < span[0]:
            span[0] = latency
        elif latency > span[1]:
            span[1] = latency
        w.read_latencies.append(now - sent)
        w.delivered += 1
        if now > w.last_delivery:
            w.last_delivery = now
        if not ordered:
            return
        # Order is the message id's (the server's), not the posters' sequence numbers.
        k = p.find(b'"id":', 20) + 5
        message_id = int(p[k:p.find(b",", k)])
        if message_id <= self.last_id:
            w.out_of_order += 1
        self.last_id = message_id


async def connect(w: Worker, host: str, port: int, token, topic_id, timeout: float,
                  deflate: bool = False) -> Client | None:
    t0 = time.monotonic()
    client = Client(w, host, port, token, topic_id, deflate)
    try:
        await asyncio.wait_for(client.open(), timeout)
        await asyncio.wait_for(asyncio.shield(client.ready), timeout - (time.monotonic() - t0))
    except (OSError, ConnectionError, asyncio.TimeoutError) as err:
        w.error(str(err) or type(err).__name__)
        client.close()
        return None
    w.connect_times.append(time.monotonic() - t0)
    return client


async def connect_all(w: Worker, cfg: dict, tokens: list, topic_id) -> list[Client]:
    """`tokens`: (token, port) pairs: each client connects straight to its server process."""
    gate = asyncio.Semaphore(cfg["concurrency"])

    async def one(token, port):
        async with gate:
            return await connect(w, cfg["host"], port, token, topic_id, cfg["connect_timeout"], cfg["deflate"])

    clients = await asyncio.gather(*(one(t, port) for t, port in tokens))
    return [c for c in clients if c is not None]


# --------------------------------------------------------------------------------------
# Client processes, driven over a pipe by the orchestrator
# --------------------------------------------------------------------------------------

async def _commands(conn):
    """Yield the orchestrator's commands without blocking the loop."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()
    loop.add_reader(conn.fileno(), lambda: queue.put_nowait(conn.recv()))
    while True:
        yield await queue.get()


def _cpu_since(w: Worker) -> float:
    return time.process_time() - w.cpu0


async def reader_loop(conn, cfg: dict):
    """Readers join the topic and time every `message.posted` they receive."""
    w = Worker()
    clients: list[Client] = []
    async for cmd, arg in _commands(conn):
        if cmd == "connect":
            t0 = time.monotonic()
            clients = await connect_all(w, cfg, cfg["tokens"], cfg["topic_id"])
            conn.send({"connected": len(clients), "errors": w.errors, "seconds": time.monotonic() - t0,
                       "connect_times": w.connect_times.tobytes(), "compressed": w.compressed_sockets})
        elif cmd == "mark":
            w.reset()
            conn.send({"ok": True})
        elif cmd == "expect":  # arg: (messages posted, deadline on the monotonic clock)
            messages, deadline = arg
            want = messages * w.alive
            while w.delivered < want and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            conn.send({"delivered": w.delivered, "expected": want, "alive": w.alive,
                       "lost_connections": w.lost_connections, "out_of_order": w.out_of_order,
                       "other_events": w.other_events, "last_delivery": w.last_delivery,
                       "cpu": _cpu_since(w), "pings": w.pings, "latencies": w.latencies.tobytes(),
                       "read_latencies": w.read_latencies.tobytes(), "per_message": w.per_message})
        elif cmd == "status":
            conn.send({"alive": w.alive, "lost_connections": w.lost_connections, "pings": w.pings,
                       "cpu": _cpu_since(w), "presence_frames": w.presence_frames})
        elif cmd == "stop":
            for c in clients:
                c.close()
            await asyncio.sleep(0.05)
            conn.send({"ok": True})
            return


async def poster_loop(conn, cfg: dict):
    """Posters send `post_message` on a fixed schedule, round-robin, and time the acks."""
    w = Worker()
    posters: list[Client] = []
    run = secrets.token_hex(4)
    async for cmd, arg in _commands(conn):
        if cmd == "connect":
            posters = await connect_all(w, cfg, cfg["tokens"], None)
            conn.send({"connected": len(posters), "errors": w.errors})
        elif cmd == "post":  # arg: (messages per second, seconds, first sequence number)
            rate, seconds, first = arg
            total = max(1, round(rate * seconds))
            acks = array("d")
            results: dict[str, int] = {}
            done = asyncio.Event()
            pending = [total]

            def acked(sent_at):
                def callback(ack):
                    acks.append(time.time() - sent_at)
                    code = "ok" if isinstance(ack, dict) and ack.get("ok") else \
                        (ack.get("error", {}).get("code") if isinstance(ack, dict) else "bad ack")
                    results[code] = results.get(code, 0) + 1
                    pending[0] -= 1
                    if pending[0] == 0:
                        done.set()
                return callback

            # The wall clock, not the monotonic one: latencies are measured against the
            # kernel's receive timestamps, which are CLOCK_REALTIME.
            start = time.time()
            for k in range(total):
                delay = start + k / rate - time.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                client = posters[k % len(posters)]
                sent_at = time.time()
                client.emit("post_message", {"topic_id": cfg["topic_id"], "client_id": f"{run}-{first + k}",
                                             "body": f"fanout {first + k} {sent_at:.6f}"}, callback=acked(sent_at))
            end = time.time()
            try:
                await asyncio.wait_for(done.wait(), 10)
            except asyncio.TimeoutError:
                results["no ack"] = pending[0]
            conn.send({"sent": total, "results": results, "start": start, "end": end,
                       "acks": acks.tobytes(), "cpu": _cpu_since(w)})
        elif cmd == "stop":
            for c in posters:
                c.close()
            conn.send({"ok": True})
            return


def client_process(role: str, conn, cfg: dict):
    raise_fd_limit()
    loop = reader_loop if role == "reader" else poster_loop
    asyncio.run(loop(conn, cfg))


class ClientProcess:
    def __init__(self, role: str, cfg: dict):
        ctx = mp.get_context("spawn")  # a fresh interpreter: nothing of the orchestrator's state
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=client_process, args=(role, child, cfg), daemon=True)
        self.proc.start()

    def send(self, cmd: str, arg=None):
        self.conn.send((cmd, arg))

    def recv(self, timeout: float = 120):
        if not self.conn.poll(timeout):
            raise TimeoutError("client process did not answer")
        return self.conn.recv()

    def ask(self, cmd: str, arg=None, timeout: float = 120):
        self.send(cmd, arg)
        return self.recv(timeout)

    def stop(self):
        try:
            self.ask("stop", timeout=10)
        except (TimeoutError, EOFError, BrokenPipeError, OSError):
            pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()


# --------------------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    """A private redis-server on a free port for the app's processes (REDIS_URL): no persistence."""

    EXE = "/usr/bin/redis-server"

    def __init__(self, tmp: Path):
        exe = self.EXE if Path(self.EXE).exists() else shutil.which("redis-server")
        if not exe:
            raise RuntimeError("--app-procs needs redis-server (Debian: apt-get install redis-server)")
        self.log = open(tmp / "redis.log", "w")
        for _attempt in range(5):  # the free port may be taken between looking and binding
            self.port = free_port()
            self.proc = subprocess.Popen([exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                          "--appendonly", "no", "--daemonize", "no", "--dir", str(tmp)],
                                         stdout=self.log, stderr=subprocess.STDOUT)
            if self._ready():
                break
            self.stop()
        else:
            raise RuntimeError(f"redis-server did not start; log:\n{(tmp / 'redis.log').read_text()[-2000:]}")
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def _ready(self, timeout: float = 10) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64).startswith(b"+PONG"):
                        return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (/proc/<pid>/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_memory(pid: int) -> dict:
    """Resident set size now and at its peak, in MiB."""
    status = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            status[key] = int(value.split()[0]) / 1024
    return {"rss": status.get("VmRSS", 0.0), "peak": status.get("VmHWM", 0.0)}


def parse_target(name: str) -> tuple[str, int]:
    """`app`, `bare`, `node`, or `app2`/`app×2` (the app on two processes behind Redis) → (kind, processes)."""
    name = name.strip().lower()
    if name in ("bare", "node"):
        return name, 1
    if name.startswith("app"):
        rest = name[3:].lstrip("×x*")
        if not rest:
            return "app", 1
        if rest.isdigit() and int(rest) >= 1:
            return "app", int(rest)
    raise ValueError(f"unknown target {name!r}: app, bare, node, appN (N app processes), all")


def target_label(kind: str, procs: int) -> str:
    return kind if procs == 1 else f"{kind}×{procs}"


class Server:
    """The server(s) of one target, each on a listening socket bound here and handed over.

    `app` is `python wsgi.py` (with `procs` > 1: that many processes on one database and a
    redis-server started here, REDIS_URL, so Socket.IO emits reach every process's
    sockets), `bare` bench/bare_server.py, `node` bench/node_bare.js. The sockets are bound
    before the processes start, so clients may connect at once: the kernel's backlog holds
    them until the server accepts.
    """

    def __init__(self, target: str, mode: str, clients: int, posters: int, database_url: str | None,
                 app_root: Path = ROOT, gc_threshold: str | None = None, procs: int = 1):
        self.kind, self.mode = target, mode
        self.target = target_label(target, procs)
        self.root = app_root if target == "app" else ROOT
        self.tmp = Path(tempfile.mkdtemp(prefix=f"courtyard-bench-{target}{procs}-"))
        self.socks = []
        for _ in range(procs):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sock.listen(4096)
            self.socks.append(sock)
        self.ports = [s.getsockname()[1] for s in self.socks]
        self.port = self.ports[0]
        self.topic_id = self.courtyard_id = 1
        self.readers: list = ["bare"] * clients
        self.posters: list = ["bare"] * max(1, posters)
        self.redis: Redis | None = None
        self.procs: list[subprocess.Popen] = []
        self.log_paths: list[Path] = []
        self.logs = []
        try:
            self._start(target, mode, clients, posters, database_url, app_root, gc_threshold, procs)
        except BaseException:
            self.stop(keep=True)
            raise

    def _start(self, target, mode, clients, posters, database_url, app_root, gc_threshold, procs):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV_"))}
        env["PYTHONUNBUFFERED"] = "1"
        commands = []
        if target == "app":
            if procs > 1:
                self.redis = Redis(self.tmp)
            env.update({
                "DATABASE_URL": database_url or f"sqlite:///{self.tmp / 'bench.sqlite3'}",
                # One process: no message queue (an empty value also beats a .env file).
                "REDIS_URL": self.redis.url if self.redis else "",
                "COURTYARD_ASYNC": mode, "SECRET_KEY": "bench", "UPLOAD_DIR": str(self.tmp / "uploads"),
                "COURTYARD_ROOT": str(app_root),
            })
            if gc_threshold:
                env["COURTYARD_GC_THRESHOLD"] = gc_threshold
            self._prepare(env, clients, posters)
            for sock, port in zip(self.socks, self.ports):
                commands.append(([sys.executable, "wsgi.py"],
                                 dict(env, COURTYARD_LISTEN_FD=str(sock.fileno()), PORT=str(port))))
        elif target == "node":
            node = shutil.which("node")
            if not node:
                raise RuntimeError("--target node needs Node.js (node) on PATH")
            if not (ROOT / "node_modules" / "socket.io").is_dir():
                raise RuntimeError("--target node needs the socket.io package: run `make vendor` (npm ci)")
            commands.append(([node, str(BENCH / "node_bare.js"), "--fd", str(self.socks[0].fileno())], env))
        else:
            cmd = [sys.executable, str(BENCH / "bare_server.py"), "--async", mode, "--fd", str(self.socks[0].fileno())]
            if gc_threshold:
                cmd += ["--gc-threshold", gc_threshold]
            commands.append((cmd, env))
        for i, ((cmd, cmd_env), sock) in enumerate(zip(commands, self.socks)):
            log_path = self.tmp / (f"server{i + 1}.log" if procs > 1 else "server.log")
            log = open(log_path, "w")
            self.log_paths.append(log_path)
            self.logs.append(log)
            self.procs.append(subprocess.Popen(cmd, cwd=self.root, env=cmd_env, pass_fds=[sock.fileno()],
                                               stdout=log, stderr=subprocess.STDOUT))
        self.proc = self.procs[0]

    def _prepare(self, env: dict, clients: int, posters: int):
        def run(*args):
            done = subprocess.run(args, cwd=self.root, env=env, capture_output=True, text=True, timeout=300)
            if done.returncode:
                raise RuntimeError(f"{' '.join(args[1:])} failed:\n{done.stdout}{done.stderr}")

        run(sys.executable, "-m", "flask", "--app", "wsgi", "init-db")
        out = self.tmp / "demo.json"
        run(sys.executable, str(BENCH / "demo_data.py"), "--readers", str(clients), "--posters", str(posters),
            "--out", str(out))
        data = json.loads(out.read_text())
        self.topic_id, self.courtyard_id = data["topic_id"], data["courtyard_id"]
        self.readers, self.posters = data["readers"], data["posters"]

    def wait_ready(self, timeout: float = 120) -> None:
        """Until every process answers an Engine.IO polling handshake: connect times exclude start-up."""
        for port in self.ports:
            with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
                s.settimeout(timeout)
                s.sendall(b"GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          b"Connection: close\r\n\r\n")
                head = s.recv(4096)
            if not head.startswith(b"HTTP/1.1 200"):
                self.check_alive()
                raise RuntimeError(f"{self.target} server on port {port} is not answering: {head[:200]!r}")

    def probe(self) -> int:
        """Raise a topic over REST as the first poster (on the first process): `topic.created` to the courtyard's room."""
        import http.client
        body = json.dumps({"title": "压测探针", "body": f"fanout 0 {time.time():.6f}", "category": "other"})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("POST", f"/api/v1/courtyards/{self.courtyard_id}/topics", body=body.encode(),
                         headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.posters[0]}"})
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def cpu_each(self) -> list[float]:
        """CPU seconds so far of each server process."""
        return [proc_cpu_seconds(p.pid) for p in self.procs]

    def cpu_seconds(self) -> float:
        """CPU seconds so far of the server processes together (not Redis's: redis_cpu_seconds)."""
        return sum(self.cpu_each())

    def redis_cpu_seconds(self) -> float:
        return proc_cpu_seconds(self.redis.proc.pid) if self.redis else 0.0

    def memory_each(self) -> list[dict]:
        return [proc_memory(p.pid) for p in self.procs]

    def memory(self) -> dict:
        """Resident set size now and at its peak, in MiB, of the server processes together."""
        each = self.memory_each()
        return {"rss": sum(m["rss"] for m in each), "peak": sum(m["peak"] for m in each),
                "each": [m["rss"] for m in each]}

    def check_alive(self):
        for i, proc in enumerate(self.procs):
            if proc.poll() is not None:
                raise RuntimeError(f"{self.target} server {i + 1} exited ({proc.returncode}); log:\n"
                                   + self.log_paths[i].read_text(errors="replace")[-3000:])
        if self.redis and self.redis.proc.poll() is not None:
            raise RuntimeError(f"{self.target}: redis-server exited ({self.redis.proc.returncode})")

    def stop(self, keep: bool = False):
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self.redis:
            self.redis.stop()
            self.redis.log.close()
        for sock in self.socks:
            sock.close()
        for log in self.logs:
            log.close()
        if keep:
            print(f"{self.target} server's files (log, database) kept in {self.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


class Profiler:
    """py-spy sampling the server for one phase (connect or load); prints where the time goes.

    Only when --profile is given: sampling costs the server a little, so profiled runs are
    for finding causes, not for the figures.
    """

    RATE = 250

    def __init__(self, server: Server, phase: str, out_dir: Path, index: int = 0):
        exe = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        name = server.target if len(server.procs) == 1 else f"{server.target}-{index + 1}"
        self.path = out_dir / f"{name}-{phase}.txt"
        self.label = f"{name} {phase}"
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen([exe, "record", "--pid", str(server.procs[index].pid), "--format", "raw",
                                      "--rate", str(self.RATE), "--nonblocking", "--function",
                                      "--output", str(self.path)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self, top: int = 25) -> None:
        seconds = time.monotonic() - self.t0
        self.proc.send_signal(signal.SIGINT)
        try:
            _, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        if not self.path.exists():
            print(f"py-spy wrote nothing for {self.label}: {err.decode(errors='replace')[-500:]}")
            return
        inclusive: dict[str, int] = {}
        own: dict[str, int] = {}
        total = 0
        for line in self.path.read_text(errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            n = int(count)
            total += n
            frames = stack.split(";")
            own[frames[-1]] = own.get(frames[-1], 0) + n
            for frame in set(frames):
                inclusive[frame] = inclusive.get(frame, 0) + n
        busy = total / (self.RATE * seconds) * 100 if seconds else 0
        print(f"\nprofile {self.label}: {total} samples over {seconds:.1f} s (busy ≈ {busy:.0f}% of a core); "
              f"stacks in {self.path}")
        print(f"  {'incl %':>6} {'self %':>6}  function")
        for frame, n in sorted(inclusive.items(), key=lambda kv: -kv[1])[:top]:
            print(f"  {n / total * 100:6.1f} {own.get(frame, 0) / total * 100:6.1f}  {frame}")
        print(f"  top self time:")
        for frame, n in sorted(own.items(), key=lambda kv: -kv[1])[:12]:
            print(f"  {'':6} {n / total * 100:6.1f}  {frame}")


class Profilers:
    """One Profiler per server process."""

    def __init__(self, profilers: list[Profiler]):
        self.profilers = profilers

    def stop(self) -> None:
        for p in self.profilers:
            p.stop()


def profiling(server: Server, phase: str, args) -> Profilers | None:
    if not args.profile:
        return None
    if server.kind == "node":
        print("--profile: py-spy samples Python; the node server is not profiled")
        return None
    out = Path(args.profile)
    out.mkdir(parents=True, exist_ok=True)
    return Profilers([Profiler(server, phase, out, i) for i in range(len(server.procs))])


# --------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------

def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs so far, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields[:8])  # guest time is already in user
    return total - idle, total


def others_cpu(before: tuple[float, float], after: tuple[float, float], ours: float) -> float:
    """% of one core the machine spent on processes other than the server and the clients."""
    busy, total = after[0] - before[0], after[1] - before[1]
    cores = busy / total * (os.cpu_count() or 1) * 100 if total else 0.0
    return max(0.0, cores - ours)


def percentile(sorted_values, q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, math.ceil(q / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


def _split(items: list, parts: int) -> list[list]:
    return [items[i::parts] for i in range(parts)]


def start_clients(server: Server, args, readers: int, *, join: bool = True,
                  posters: bool = True) -> tuple[list[ClientProcess], ClientProcess | None]:
    procs = args.procs or (1 if readers <= 2000 else 2)
    base = {"host": "127.0.0.1", "topic_id": server.topic_id,
            "concurrency": args.connect_concurrency, "connect_timeout": args.connect_timeout,
            "deflate": args.deflate}
    # Client i connects straight to server process i mod P: readers split evenly, posters alternate.
    ports = server.ports
    tokens = [(t, ports[i % len(ports)]) for i, t in enumerate(server.readers[:readers])]
    reader_cfg = dict(base, topic_id=server.topic_id if join else None)
    reader_procs = [ClientProcess("reader", dict(reader_cfg, tokens=part)) for part in _split(tokens, procs) if part]
    poster_tokens = [(t, ports[i % len(ports)]) for i, t in enumerate(server.posters)]
    poster = ClientProcess("poster", dict(base, tokens=poster_tokens)) if posters else None
    return reader_procs, poster


def connect_phase(server: Server, readers: list[ClientProcess], poster: ClientProcess | None, args) -> dict:
    server.wait_ready()
    profiler = profiling(server, "connect", args)
    t0 = time.monotonic()
    for r in readers:
        r.send("connect")
    replies = [r.recv(timeout=300) for r in readers]
    seconds = time.monotonic() - t0
    if profiler:
        profiler.stop()
    if poster is not None:
        replies_posters = [poster.ask("connect")]
    else:
        replies_posters = []
    server.check_alive()
    errors: dict[str, int] = {}
    for reply in replies + replies_posters:
        for k, v in reply["errors"].items():
            errors[k] = errors.get(k, 0) + v
    times = sorted(t for reply in replies for t in array("d", reply["connect_times"]))
    return {"connected": sum(r["connected"] for r in replies),
            "compressed": sum(r.get("compressed", 0) for r in replies),
            "posters": sum(r["connected"] for r in replies_posters),
            "seconds": seconds, "p50": percentile(times, 50), "p99": percentile(times, 99), "errors": errors}


def run_load(target: tuple[str, int], args) -> dict:
    kind, procs = target
    server = Server(kind, args.mode, args.clients, args.posters, args.database_url, args.app_root,
                    args.gc_threshold, procs)
    readers, poster = start_clients(server, args, args.clients)
    try:
        result = {"target": server.target, "kind": kind, "procs": procs, "clients": args.clients,
                  "rate": args.rate, "seconds": args.seconds}
        result["connect"] = connect_phase(server, readers, poster, args)
        result["memory_connected"] = server.memory()
        if result["connect"]["posters"] == 0:
            raise RuntimeError(f"no poster could connect: {result['connect']['errors']}")
        time.sleep(1)  # let connect-time work (presence, catch-up) settle before measuring
        for r in readers:
            r.ask("mark")
        profiler = profiling(server, "load", args)
        each0, redis0, t0, machine0 = server.cpu_each(), server.redis_cpu_seconds(), time.monotonic(), machine_busy()
        cpu0 = sum(each0)
        posted = poster.ask("post", (args.rate, args.seconds, 0), timeout=args.seconds + 60)
        ok = posted["results"].get("ok", 0)
        deadline = time.monotonic() + args.drain
        for r in readers:
            r.send("expect", (ok, deadline))
        got = [r.recv(timeout=args.drain + 30) for r in readers]
        each1, redis1, t1, machine1 = server.cpu_each(), server.redis_cpu_seconds(), time.monotonic(), machine_busy()
        cpu1 = sum(each1)
        if profiler:
            profiler.stop()
        server.check_alive()
        latencies = sorted(t for g in got for t in array("d", g["latencies"]))
        read = sorted(t for g in got for t in array("d", g["read_latencies"]))
        acks = sorted(array("d", posted["acks"]))
        delivered = sum(g["delivered"] for g in got)
        spans: dict[bytes, list[float]] = {}
        for g in got:
            for seq, (lo, hi) in g["per_message"].items():
                span = spans.setdefault(seq, [lo, hi])
                span[0], span[1] = min(span[0], lo), max(span[1], hi)
        firsts = sorted(lo for lo, _ in spans.values())
        spreads = sorted(hi - lo for lo, hi in spans.values())
        last = max((g["last_delivery"] for g in got), default=posted["end"])
        span = max(last, posted["end"]) - posted["start"]
        result.update({
            "posted": posted["sent"], "post_results": posted["results"],
            "delivered": delivered, "expected": sum(g["expected"] for g in got),
            "alive": sum(g["alive"] for g in got), "lost_connections": sum(g["lost_connections"] for g in got),
            "out_of_order": sum(g["out_of_order"] for g in got),
            "other_events": sum(g["other_events"] for g in got),
            "p50": percentile(latencies, 50), "p99": percentile(latencies, 99),
            "max": latencies[-1] if latencies else float("nan"),
            "first_p50": percentile(firsts, 50), "first_p99": percentile(firsts, 99),
            "spread_p50": percentile(spreads, 50), "spread_p99": percentile(spreads, 99),
            "read_p50": percentile(read, 50), "read_p99": percentile(read, 99),
            "ack_p50": percentile(acks, 50), "ack_p99": percentile(acks, 99),
            "deliveries_per_s": delivered / span if span > 0 else 0.0,
            "server_cpu": (cpu1 - cpu0) / (t1 - t0) * 100,
            "server_cpu_each": [(b - a) / (t1 - t0) * 100 for a, b in zip(each0, each1)],
            "redis_cpu": (redis1 - redis0) / (t1 - t0) * 100 if server.redis else None,
            "client_cpu": [g["cpu"] / (t1 - t0) * 100 for g in got],
            "poster_cpu": posted["cpu"] / (t1 - t0) * 100,
            "others_cpu": others_cpu(machine0, machine1, ((cpu1 - cpu0) + (redis1 - redis0)
                                                          + sum(g["cpu"] for g in got)
                                                          + posted["cpu"]) / (t1 - t0) * 100),
            "memory": server.memory(),
        })
        return result
    finally:
        for p in readers + [poster]:
            if p is not None:
                p.stop()
        server.stop(keep=args.keep or sys.exc_info()[0] is not None)


def run_hold(target: tuple[str, int], args) -> dict:
    """Connect N authenticated sockets (joining the topic only with --hold-join), hold them, probe them.

    The probe is a topic raised over REST at the end: `topic.created` goes to the
    courtyard's room, which every socket of a member joins at connect, so it proves that
    each connection that looks alive is still served.
    """
    kind, procs = target
    server = Server(kind, args.mode, args.hold, 1, args.database_url, args.app_root,
                    args.gc_threshold, procs)
    readers, _ = start_clients(server, args, args.hold, join=args.hold_join, posters=False)
    try:
        result = {"target": server.target, "kind": kind, "procs": procs, "clients": args.hold,
                  "seconds": args.seconds, "joined": args.hold_join}
        server.wait_ready()

        def ours():
            return (server.cpu_seconds(), server.redis_cpu_seconds()
                    + sum(proc_cpu_seconds(r.proc.pid) for r in readers), machine_busy(), time.monotonic())

        cpu_a, rest_a, machine_a, t_a = ours()
        result["connect"] = connect_phase(server, readers, None, args)
        cpu_b, rest_b, machine_b, t_b = ours()
        # Server CPU while connecting, and other processes' CPU meanwhile (% of one core).
        result["connect_cpu"] = (cpu_b - cpu_a) / (t_b - t_a) * 100
        result["connect_others_cpu"] = others_cpu(machine_a, machine_b,
                                                  ((cpu_b - cpu_a) + (rest_b - rest_a)) / (t_b - t_a) * 100)
        result["memory_connected"] = server.memory()
        cpu0, t0 = server.cpu_seconds(), time.monotonic()
        time.sleep(args.seconds)
        cpu1, t1 = server.cpu_seconds(), time.monotonic()
        status = [r.ask("status") for r in readers]
        for r in readers:
            r.ask("mark")
        probe = server.probe()
        deadline = time.monotonic() + args.drain
        for r in readers:
            r.send("expect", (1 if probe == 201 else 0, deadline))
        got = [r.recv(timeout=args.drain + 30) for r in readers]
        server.check_alive()
        latencies = sorted(t for g in got for t in array("d", g["latencies"]))
        result.update({
            "alive": sum(s["alive"] for s in status), "lost_connections": sum(s["lost_connections"] for s in status),
            "pings": sum(s["pings"] for s in status), "idle_cpu": (cpu1 - cpu0) / (t1 - t0) * 100,
            "presence_frames": sum(s.get("presence_frames", 0) for s in status),
            "probe_status": probe, "probe_delivered": sum(g["delivered"] for g in got),
            "probe_p50": percentile(latencies, 50), "probe_max": latencies[-1] if latencies else float("nan"),
            "client_cpu": [s["cpu"] for s in status],
            "memory": server.memory(),
        })
        return result
    finally:
        for p in readers:
            p.stop()
        server.stop(keep=args.keep or sys.exc_info()[0] is not None)


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------

def ms(seconds: float) -> str:
    return "—" if seconds != seconds else f"{seconds * 1000:.1f}"


def _ratio(a: float, b: float) -> str:
    if a != a or b != b or not b:
        return "—"
    return f"{a / b:.2f}×"


# (label, value of a result) for the ratio table: app / yardstick.
RATIO_ROWS = [
    ("latency p50", lambda r: r["p50"]),
    ("latency p99", lambda r: r["p99"]),
    ("latency max", lambda r: r["max"]),
    ("first recipient p50", lambda r: r["first_p50"]),
    ("first recipient p99", lambda r: r["first_p99"]),
    ("server CPU", lambda r: r["server_cpu"]),
    ("server RSS at end", lambda r: r["memory"]["rss"]),
    ("connect + join all", lambda r: r["connect"]["seconds"]),
]


def print_ratios(results: list[dict], rows) -> None:
    apps = [r for r in results if r["kind"] == "app"]
    sticks = [r for r in results if r["kind"] != "app"]
    pairs = [(a, s) for a in apps for s in sticks]
    if not pairs:
        return
    width = max(len(label) for label, _ in rows)
    print(f"\n{'ratios':{width}}  " + "  ".join(f"{a['target'] + '/' + s['target']:>12}" for a, s in pairs))
    for label, value in rows:
        print(f"{label:{width}}  " + "  ".join(f"{_ratio(value(a), value(s)):>12}" for a, s in pairs))


def print_load(results: list[dict]):
    print()
    rows = [
        ("clients connected", lambda r: f"{r['connect']['connected']}/{r['clients']}"),
        ("… of them compressed (deflate)", lambda r: str(r["connect"]["compressed"])),
        ("connect + join all (s)", lambda r: f"{r['connect']['seconds']:.2f}"),
        ("connect one p50/p99 (ms)", lambda r: f"{ms(r['connect']['p50'])} / {ms(r['connect']['p99'])}"),
        ("messages posted (ok)", lambda r: f"{r['posted']} ({r['post_results'].get('ok', 0)})"),
        ("deliveries / expected", lambda r: f"{r['delivered']}/{r['expected']}"),
        ("deliveries per second", lambda r: f"{r['deliveries_per_s']:.0f}"),
        ("latency p50 (ms)", lambda r: ms(r["p50"])),
        ("latency p99 (ms)", lambda r: ms(r["p99"])),
        ("latency max (ms)", lambda r: ms(r["max"])),
        ("first recipient p50/p99 (ms)", lambda r: f"{ms(r['first_p50'])} / {ms(r['first_p99'])}"),
        ("first→last recipient p50/p99", lambda r: f"{ms(r['spread_p50'])} / {ms(r['spread_p99'])}"),
        ("read by client p50/p99 (ms)", lambda r: f"{ms(r['read_p50'])} / {ms(r['read_p99'])}"),
        ("post ack p50/p99 (ms)", lambda r: f"{ms(r['ack_p50'])} / {ms(r['ack_p99'])}"),
        ("out of order", lambda r: str(r["out_of_order"])),
        ("connections lost", lambda r: str(r["lost_connections"])),
        ("server CPU (% of a core)", lambda r: f"{r['server_cpu']:.0f}"),
        ("… per process (%)", lambda r: " + ".join(f"{c:.0f}" for c in r["server_cpu_each"])),
        ("redis-server CPU (%)", lambda r: "—" if r.get("redis_cpu") is None else f"{r['redis_cpu']:.0f}"),
        ("server RSS connected/end (MiB)", lambda r: f"{r['memory_connected']['rss']:.0f} / {r['memory']['rss']:.0f}"),
        ("… per process at end (MiB)", lambda r: " + ".join(f"{m:.0f}" for m in r["memory"]["each"])),
        ("client CPU per process (%)", lambda r: " ".join(f"{c:.0f}" for c in r["client_cpu"])
         + f" + poster {r['poster_cpu']:.0f}"),
        ("other processes' CPU (%)", lambda r: f"{r['others_cpu']:.0f}"),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"{'':{width}}  " + "  ".join(f"{r['target']:>22}" for r in results))
    for label, cell in rows:
        print(f"{label:{width}}  " + "  ".join(f"{cell(r):>22}" for r in results))
    for r in results:
        extra = {k: v for k, v in r["post_results"].items() if k != "ok"}
        if extra:
            print(f"{r['target']}: post_message answers other than ok: {extra}")
        if r["connect"]["errors"]:
            print(f"{r['target']}: connect errors: {r['connect']['errors']}")
    for r in results:
        if max(r["client_cpu"], default=0) > 70:
            print(f"{r['target']}: a client process used over 70% of a core; it may be part of the latency. "
                  f"Use --procs to spread the clients (but the machine's cores are shared with the server).")
        if r["others_cpu"] > 20:
            print(f"{r['target']}: other processes used {r['others_cpu']:.0f}% of a core meanwhile: "
                  f"repeat the run for figures to compare")
    print_ratios(results, RATIO_ROWS)


def print_hold(results: list[dict]):
    for r in results:
        c = r["connect"]
        print(f"\n{r['target']}: held {r['alive']}/{r['clients']} connections for {r['seconds']:g} s "
              f"({'joined to the topic' if r['joined'] else 'connected, in their courtyard room'}); "
              f"lost {r['lost_connections']}, pings answered {r['pings']}")
        print(f"  connect all: {c['seconds']:.1f} s (one: p50 {ms(c['p50'])} ms, p99 {ms(c['p99'])} ms)"
              + (f"; errors {c['errors']}" if c["errors"] else ""))
        print(f"  server CPU while connecting {r['connect_cpu']:.0f}% of a core; "
              f"other processes meanwhile {r['connect_others_cpu']:.0f}%")
        print(f"  server RSS: {r['memory_connected']['rss']:.0f} MiB connected, {r['memory']['rss']:.0f} MiB at end "
              f"(peak {r['memory']['peak']:.0f}); idle CPU {r['idle_cpu']:.1f}% of a core")
        print(f"  probe (topic.created, HTTP {r['probe_status']}): delivered to {r['probe_delivered']}/{r['alive']} "
              f"(p50 {ms(r['probe_p50'])} ms, max {ms(r['probe_max'])} ms)")
        if r["joined"]:
            print(f"  presence.changed frames received by all clients: {r['presence_frames']}")
    what = "connect + join" if results and results[0]["joined"] else "connect"
    rows = [
        (f"{what} all (s)", lambda r: f"{r['connect']['seconds']:.2f}"),
        ("one p50 / p99 (ms)", lambda r: f"{ms(r['connect']['p50'])} / {ms(r['connect']['p99'])}"),
        ("server CPU connecting (%)", lambda r: f"{r['connect_cpu']:.0f}"),
        ("server RSS connected (MiB)", lambda r: f"{r['memory_connected']['rss']:.0f}"),
        ("other processes' CPU (%)", lambda r: f"{r['connect_others_cpu']:.0f}"),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"\n{'':{width}}  " + "  ".join(f"{r['target']:>14}" for r in results))
    for label, cell in rows:
        print(f"{label:{width}}  " + "  ".join(f"{cell(r):>14}" for r in results))
    print_ratios(results, [(f"{what} all", lambda r: r["connect"]["seconds"]),
                           ("server CPU connecting", lambda r: r["connect_cpu"]),
                           ("server RSS connected", lambda r: r["memory_connected"]["rss"])])


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", type=int, default=100, help="websocket clients in the topic (default 100)")
    p.add_argument("--rate", type=float, default=10, help="messages per second into the topic (default 10)")
    p.add_argument("--seconds", type=float, default=None,
                   help="how long to post (default 20), or to hold in --hold mode (default 30)")
    p.add_argument("--target", default="all",
                   help="comma list of app, bare, node, appN (the app on N processes behind a redis-server "
                        "started here); all = app,bare,node (default); both = app,bare")
    p.add_argument("--app-procs", type=int, default=1, metavar="N",
                   help="also run the app on N processes (one database, REDIS_URL to a redis-server started "
                        "here; readers split evenly, each connected straight to one process), after `app`")
    p.add_argument("--async", dest="mode", choices=("eventlet", "gevent"), default="eventlet")
    p.add_argument("--hold", type=int, metavar="N", help="only connect N clients, hold them, report")
    p.add_argument("--deflate", action="store_true",
                   help="clients ask for permessage-deflate, as browsers do (a server that accepts it "
                        "compresses every frame for every client; the app refuses it)")
    p.add_argument("--hold-join", action="store_true", help="in --hold mode, also join the topic")
    p.add_argument("--posters", type=int, default=None,
                   help="posting users, round-robin (default: 2 per message per second, and enough that "
                        "none posts more than 20 a minute: the app's per-person budget is 30)")
    p.add_argument("--procs", type=int, default=0, help="reader client processes (default 1, 2 above 2,000)")
    p.add_argument("--connect-concurrency", type=int, default=100, help="handshakes in flight per process")
    p.add_argument("--connect-timeout", type=float, default=60)
    p.add_argument("--drain", type=float, default=10, help="seconds to wait for late deliveries")
    p.add_argument("--database-url", help="app database (default: a new temporary SQLite file)")
    p.add_argument("--app-root", type=Path, default=ROOT,
                   help="serve the app from another checkout, e.g. a git worktree with a change to measure")
    p.add_argument("--gc-threshold", metavar="A,B,C",
                   help="try a garbage-collector setting: passed to the bare server, and to the app as "
                        "COURTYARD_GC_THRESHOLD (which only a wsgi.py that reads it honours)")
    p.add_argument("--keep", action="store_true", help="keep the servers' temporary files (log, database)")
    p.add_argument("--json", help="also write the results to this file")
    p.add_argument("--profile", metavar="DIR", help="sample the server with py-spy during connect and load; "
                   "print where the time goes and keep the stacks in DIR (the figures then include its cost)")
    args = p.parse_args(argv)
    if args.seconds is None:
        args.seconds = 30 if args.hold else 20
    names = {"all": "app,bare,node", "both": "app,bare"}.get(args.target.strip().lower(), args.target)
    try:
        args.targets = [parse_target(n) for n in names.split(",") if n.strip()]
    except ValueError as err:
        p.error(str(err))
    if args.app_procs > 1 and ("app", args.app_procs) not in args.targets:
        i = args.targets.index(("app", 1)) + 1 if ("app", 1) in args.targets else 0
        args.targets.insert(i, ("app", args.app_procs))
    if not args.targets:
        p.error("--target: nothing to run")
    if args.posters is None:
        args.posters = max(1, math.ceil(args.rate * 2), math.ceil(args.rate * args.seconds / 20))
    return args


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "?")
    load = os.getloadavg()
    return f"{os.cpu_count()} CPUs ({cpu}), load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"


def main(argv=None):
    args = parse_args(argv)
    fds = raise_fd_limit()
    targets = args.targets
    try:
        commit = subprocess.run(["git", "-C", str(args.app_root), "describe", "--always", "--dirty"],
                                capture_output=True, text=True, timeout=10).stdout.strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        commit = "?"
    print(f"fanout: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; app at {commit} ({args.app_root}); "
          f"targets {', '.join(target_label(*t) for t in targets)}")
    print(f"fanout: {machine()}; file descriptors {fds}; async {args.mode}"
          + ("; clients ask for permessage-deflate" if args.deflate else ""))
    results = []
    for spec in targets:
        target = target_label(*spec)
        if args.hold:
            print(f"{target}: connecting and holding {args.hold} clients for {args.seconds:g} s …", flush=True)
            results.append(run_hold(spec, args))
        else:
            print(f"{target}: {args.clients} clients, {args.rate:g} msg/s for {args.seconds:g} s "
                  f"from {args.posters} posters …", flush=True)
            results.append(run_load(spec, args))
    (print_hold if args.hold else print_load)(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
