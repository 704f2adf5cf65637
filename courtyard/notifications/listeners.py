"""Who hears of what: the notification centre listens to the domains' signals.

Each receiver runs inside the sender's transaction (courtyard/signals.py) and calls the
hook in services.py that works out the audience and adds the rows; what goes out through
outbound channels waits for the commit. `connect()` is called once by init_app.
"""
from __future__ import annotations

from .. import signals
from . import ballots, services


def _message_posted(topic, *, actor, message, **_):
    services.message_posted(actor, topic, message)


def _topic_status_changed(topic, *, actor, old_status, **_):
    services.topic_status_changed(actor, topic, old_status)


def _stakeholder_invited(invitation, *, actor, **_):
    services.invited(actor, invitation)


def _membership_approved(membership, *, actor, **_):
    services.membership_approved(actor, membership)


def _task_created(task, *, actor, **_):
    services.task_assigned(actor, task)


def _task_status_changed(task, *, actor, old_status, **_):
    services.task_status_changed(actor, task, old_status)


def _task_verified(task, *, actor, accepted, **_):
    services.task_verified(actor, task, accepted)


def _task_escalated(task, *, actor, escalation, **_):
    services.task_escalated(actor, task, escalation)


def _escalation_acknowledged(task, *, actor, escalation, **_):
    services.task_acknowledged(actor, task, escalation)


def _task_due_soon(task, **_):
    services.task_reminder(task)


def _task_overdue(task, **_):
    services.task_overdue(task)


def _ballots_opened(topic, *, actor, proposals, **_):
    ballots.ballots_opened(actor, topic, proposals)


def _ballot_closing_soon(proposal, *, hours, **_):
    ballots.ballot_closing_soon(proposal, hours)


def _proposal_closed(proposal, **_):
    ballots.proposal_decided(proposal)


def _ballot_reminder_sent(proposal, *, actor, user_ids, **_):
    ballots.household_reminded(actor, proposal, user_ids)


def _topic_raised_to_district(topic, *, actor, thread, **_):
    services.topic_raised_to_district(actor, topic, thread)


def _project_changed(project, *, actor, what, update, **_):
    if update is not None and what in ("status", "progress", "milestone"):
        services.project_progress(actor, project, update)


def _notice_step(notice, *, actor, update, **_):
    services.emergency(actor, notice, update)


RECEIVERS = {
    signals.notice_posted: _notice_step,
    signals.notice_updated: _notice_step,
    signals.notice_resolved: _notice_step,
    signals.topic_raised_to_district: _topic_raised_to_district,
    signals.project_changed: _project_changed,
    signals.message_posted: _message_posted,
    signals.topic_status_changed: _topic_status_changed,
    signals.stakeholder_invited: _stakeholder_invited,
    signals.membership_approved: _membership_approved,
    signals.task_created: _task_created,
    signals.task_status_changed: _task_status_changed,
    signals.task_verified: _task_verified,
    signals.task_escalated: _task_escalated,
    signals.escalation_acknowledged: _escalation_acknowledged,
    signals.task_due_soon: _task_due_soon,
    signals.task_overdue: _task_overdue,
    signals.ballots_opened: _ballots_opened,
    signals.ballot_closing_soon: _ballot_closing_soon,
    signals.proposal_closed: _proposal_closed,
    signals.ballot_reminder_sent: _ballot_reminder_sent,
}


def connect() -> None:
    """Listen to every signal in RECEIVERS (idempotent: blinker keeps one connection per receiver)."""
    for signal, receiver in RECEIVERS.items():
        signal.connect(receiver)
