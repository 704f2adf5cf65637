"""Group commit for votes: many voters, one transaction per batch.

A thousand residents tapping 赞成 at once would otherwise mean a thousand transactions,
each taking the proposal's lock and committing on its own. Instead every vote joins this
process's queue; whoever finds no batch being written becomes the writer, takes the whole
queue, writes it in one transaction (services._write_votes) and wakes the others, each
with its own outcome. Votes that arrive meanwhile form the next batch, whose first voter
becomes the next writer. Nothing here knows about voting: it batches callables' inputs.

On green threads a writer that never yields would write every vote alone (the others are
not even read off their sockets meanwhile): `pause` (socketio.sleep(0)) lets the votes
already received join the batch before it is taken.

Works with threads (tests, the threading server) and with eventlet/gevent, where the
`threading` primitives are the green ones after monkey-patching.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable

MAX_BATCH = 500


@dataclass(eq=False)
class Job:
    request: Any
    outcome: Any = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False  # set when this job's submitter must write the next batch


class Batcher:
    def __init__(self, write: Callable[[list[Job]], None], max_batch: int = MAX_BATCH,
                 pause: Callable[[], None] | None = None):
        self._write = write
        self._max = max_batch
        self._pause = pause  # lets the votes already received join the batch first
        self._lock = threading.Lock()
        self._queue: list[Job] = []
        self._busy = False

    def submit(self, request) -> Any:
        """Queue `request`, wait for its batch to be written; return its outcome or raise its error."""
        job = Job(request)
        with self._lock:
            self._queue.append(job)
            leader = not self._busy
            self._busy = True
        if not leader:
            job.done.wait()
        if leader or job.lead:
            self._write_next()
        if job.error is not None:
            raise job.error
        return job.outcome

    def _write_next(self) -> None:
        if self._pause is not None:
            self._pause()
        with self._lock:
            batch, self._queue = self._queue[:self._max], self._queue[self._max:]
        try:
            self._write(batch)
        except BaseException as exc:  # the writer failed as a whole: every job in it hears why
            for job in batch:
                if job.outcome is None and job.error is None:
                    job.error = exc
        finally:
            with self._lock:
                successor = self._queue[0] if self._queue else None
                if successor is not None:
                    successor.lead = True
                else:
                    self._busy = False
            for job in batch:
                job.done.set()
            if successor is not None:
                successor.done.set()
