"""What happened, said once by the domain it happened in; other domains listen.

A service sends a signal while it writes, before it commits: receivers run at once, in the
same transaction, so whatever they add (notifications, audit entries, a topic's new status)
is stored if and only if the act is. A receiver that wants to act only after the commit
(a text message, a socket cut) queues it with `courtyard.aftercommit.on_commit`.

The sender is the thing the act was about (the topic, the task …); the keyword arguments
are listed with each signal. `actor` is the person who acted, or None for the service
clock and the scheduler. Receivers accept `**extra` so a signal can grow an argument.

Who listens (connected by create_app, through each listener module's `connect()`):
- courtyard/notifications/listeners.py: tells people (the in-app centre, outbound channels);
- courtyard/deliberation/listeners.py: a topic's status follows its ballots;
- courtyard/realtime/__init__.py: sockets that rode on a browser session end with it.
Nothing else may import courtyard.notifications (import-linter, .importlinter).
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()


def _signal(name: str, doc: str):
    return _signals.signal(name, doc=doc)


# --- places ----------------------------------------------------------------------------------

membership_approved = _signal("membership-approved", """A request to join a courtyard was approved.

sender: the Membership (now active); actor: who approved it.""")

# --- accounts --------------------------------------------------------------------------------

logged_out = _signal("logged-out", """A person logged out of a browser: the sockets that rode on browser sessions end.

sender: the User. Nothing is written: receivers act at once.""")

# --- deliberation ----------------------------------------------------------------------------

message_posted = _signal("message-posted", """A message was posted in a topic's discussion.

sender: the Topic; actor: the author; message: the new Message.""")

topic_status_changed = _signal("topic-status-changed", """A topic's status changed (a merge included).

sender: the Topic (its new status set; merged_into_id set on a merge); actor: who changed
it, or None when the system did; old_status: the TopicStatus it had.""")

stakeholder_invited = _signal("stakeholder-invited", """An organization, or the community's staff, was brought into a topic (进院解题).

sender: the TopicInvitation (flushed: it has an id); actor: who invited.""")

# --- voting ----------------------------------------------------------------------------------

ballots_opened = _signal("ballots-opened", """Voting opened on one or more proposals of a topic.

sender: the Topic; actor: who opened the ballot; proposals: the Proposals now open.""")

# --- tasks -----------------------------------------------------------------------------------

task_created = _signal("task-created", """A task was dispatched to an organization.

sender: the Task (flushed); actor: who dispatched it.""")

task_status_changed = _signal("task-status-changed", """A task moved along its lifecycle (accepted, started, done …).

sender: the Task (new status set); actor: who moved it; old_status: the TaskStatus it had.""")

task_verified = _signal("task-verified", """The work of a task was accepted, or rejected and reopened.

sender: the Task; actor: who verified it; accepted: bool.""")

task_escalated = _signal("task-escalated", """A task was escalated (吹哨), by a person or by the service clock.

sender: the Task; actor: who raised it or None (automatic); escalation: the new Escalation.""")

escalation_acknowledged = _signal("escalation-acknowledged", """An escalation was acknowledged (报到).

sender: the Task; actor: who acknowledged it; escalation: the Escalation.""")

task_due_soon = _signal("task-due-soon", """The service clock: a task's due date is near (sent once per task).

sender: the Task.""")

task_overdue = _signal("task-overdue", """The service clock: a task's due date has passed (sent once per task).

sender: the Task.""")


def catalogue() -> dict[str, str]:
    """Every signal's name and its docstring, for docs and tests."""
    return {name: s.__doc__ or "" for name, s in sorted(_signals.items())}
