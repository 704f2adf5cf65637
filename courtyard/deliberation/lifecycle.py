"""A topic's status follows what happens to it: one pure function, tested exhaustively.

CONTRACT §4: open → deliberating → decided → closed; also withdrawn and merged. Moderators
move a topic by hand (services.MODERATOR_TRANSITIONS); this is what the other domains' acts
imply, heard by listeners.py:

- a ballot opened on a proposal of a new topic puts it under discussion;
- a proposal adopted decides it (already decided or closed: nothing changes);
- a proposal rejected changes nothing (the topic stays under discussion);
- a task verified closes it (已办结) when it was the last open task of the topic;
- otherwise a task (dispatched, reopened, or verified with others still open) means work is
  under way: a new topic handed over without a vote is decided by it, one under discussion
  stays so (its ballot, perhaps still open, decides it), a closed one is decided again.

Withdrawn and merged topics never change by these acts, and no act moves a topic back
before decided once it got there: only a moderator does that.
"""
from __future__ import annotations

import enum

from .models import TopicStatus


class Event(str, enum.Enum):
    ballot_opened = "ballot_opened"
    proposal_adopted = "proposal_adopted"
    proposal_rejected = "proposal_rejected"
    task_dispatched = "task_dispatched"
    task_verified = "task_verified"
    task_reopened = "task_reopened"


FINAL = frozenset({TopicStatus.withdrawn, TopicStatus.merged})
# Once here, no act (only a moderator) takes a topic back to open or deliberating.
SETTLED = frozenset({TopicStatus.decided, TopicStatus.closed})


def next_status(status: TopicStatus, event: Event, *, open_tasks_left: int = 0) -> TopicStatus | None:
    """The status `event` moves a topic in `status` to, or None when it stays as it is.

    `open_tasks_left` (task_verified only): the topic's tasks not yet verified, the one just
    verified not counted.
    """
    status, event = TopicStatus(status), Event(event)
    if status in FINAL:
        return None
    if event == Event.ballot_opened:
        target = TopicStatus.deliberating if status == TopicStatus.open else None
    elif event == Event.proposal_adopted:
        target = None if status in SETTLED else TopicStatus.decided
    elif event == Event.proposal_rejected:
        target = None
    elif event == Event.task_verified and open_tasks_left <= 0:
        target = TopicStatus.closed
    elif event in (Event.task_dispatched, Event.task_reopened, Event.task_verified):
        target = None if status == TopicStatus.deliberating else TopicStatus.decided
    else:  # pragma: no cover - every Event is named above
        raise ValueError(event)
    return None if target == status else target
