"""How a topic follows what happens to its proposals and tasks: listeners to the other domains' signals.

Which act moves a topic where is one pure function, lifecycle.next_status; the receivers
here only name the act and move the topic through services.set_status (topic.updated, the
status notification and the audit entry follow from its signal):

- a ballot opened on a proposal of a new topic (open) puts the topic under discussion;
- a proposal adopted at its close decides the topic (已决定);
- a task dispatched or reopened: a new topic handed over without a vote is decided;
- the topic's last open task verified: the topic is closed (已办结).

Voting and tasks sit above deliberation (.importlinter): the receivers know their senders
only as the objects the signals hand them. Receivers run in the sender's transaction
(courtyard/signals.py); `connect()` is called once by create_app.
"""
from __future__ import annotations

import sqlalchemy as sa

from .. import signals
from ..accounts.models import User
from ..extensions import db
from .lifecycle import Event, next_status
from .models import Topic
from .services import set_status


def _follow(actor, topic: Topic | None, event: Event, **facts) -> None:
    if topic is None:
        return
    status = next_status(topic.status, event, **facts)
    if status is not None:
        set_status(actor, topic, status)


def _ballots_opened(topic, *, actor, **_):
    _follow(actor, topic, Event.ballot_opened)


def _proposal_closed(proposal, *, session, **_):
    adopted = getattr(proposal.status, "value", proposal.status) == "adopted"
    actor = session.get(User, proposal.closed_by_id) if proposal.closed_by_id is not None else None
    _follow(actor, session.get(Topic, proposal.topic_id),
            Event.proposal_adopted if adopted else Event.proposal_rejected)


def _task_created(task, *, actor, **_):
    _follow(actor, task.topic, Event.task_dispatched)


def _open_tasks_left(task) -> int:
    """The topic's other tasks not yet verified (the task's own class: tasks is not imported here)."""
    Task = type(task)
    return db.session.scalar(sa.select(sa.func.count()).select_from(Task).where(
        Task.topic_id == task.topic_id, Task.id != task.id, Task.status != "verified"))


def _task_verified(task, *, actor, accepted, **_):
    if accepted:
        _follow(actor, task.topic, Event.task_verified, open_tasks_left=_open_tasks_left(task))
    else:
        _follow(actor, task.topic, Event.task_reopened)


RECEIVERS = {
    signals.ballots_opened: _ballots_opened,
    signals.proposal_closed: _proposal_closed,
    signals.task_created: _task_created,
    signals.task_verified: _task_verified,
}


def connect() -> None:
    for signal, receiver in RECEIVERS.items():
        signal.connect(receiver)
