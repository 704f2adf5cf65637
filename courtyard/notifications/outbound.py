"""Delivery records: what goes out through the outbound channels, and its sending.

1. `queue(rows)` — inside the notification's transaction (services._notify): one
   OutboundMessage per notification and configured channel the recipient gets (opt-in
   channels only for those who turned them on, preferences.py), due now or, for channels that
   keep quiet hours, at the next 07:00 (rules.py). Stored with the notification, so never lost.
2. After the commit, `kick` sends what is due: in a background task of the server
   (socketio.start_background_task), inline under TESTING so that tests are deterministic.
3. The scheduler's `notifications.deliver_due` job (every second, each process) sends what
   fell due since: retries after back-off, the morning's queue after quiet hours, records a
   crashed process left claimed for CLAIM_TIMEOUT.

A record is sent only by the process whose conditional UPDATE (queued and due → sending)
changed it, so two processes never send one message twice. `message_id` (the record's id)
goes with each send, for a gateway to drop the duplicate a crash between sending and
recording could cause.
"""
from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app

from .. import clock
from ..accounts.models import User
from ..aftercommit import on_commit
from ..extensions import db, socketio
from . import channels, payloads, preferences, rules
from .models import Notification, OutboundMessage, OutboundStatus

log = logging.getLogger("courtyard.notify")

CLAIM_TIMEOUT = timedelta(minutes=10)
BATCH = 200
_KICK = "notifications.outbound.kick"


def quiet_hours() -> rules.QuietHours | None:
    """The configured quiet hours (NOTIFY_QUIET_HOURS, read by config.py), or None for none."""
    return current_app.config.get("NOTIFY_QUIET_HOURS", rules.DEFAULT_QUIET)


def queue(rows: list[Notification]) -> list[OutboundMessage]:
    """Add the delivery records of these (flushed) notifications to the current transaction."""
    chans = channels.configured()
    if not rows or not chans:
        return []
    opted = preferences.enabled_for({n.user_id for n in rows}, [c.name for c in chans if channels.is_opt_in(c)])
    now = clock.now()
    records = []
    for n in rows:
        for c in chans:
            if channels.is_opt_in(c) and c.name not in opted.get(n.user_id, ()):
                continue
            due = rules.earliest_send(now, quiet_hours()) if channels.keeps_quiet_hours(c) else now
            records.append(OutboundMessage(user_id=n.user_id, notification_id=n.id, channel=c.name, kind=n.kind,
                                           status=OutboundStatus.queued, attempts=0, next_attempt_at=due,
                                           created_at=now))
    db.session.add_all(records)
    if records:
        on_commit(kick, current_app._get_current_object(), key=_KICK)
    return records


def kick(app: Flask) -> None:
    """Send what is due now, without holding up the request (inline under TESTING)."""
    if app.testing:
        _run(app)
    else:
        socketio.start_background_task(_run, app)


def _run(app: Flask) -> None:
    with app.app_context():  # a session of its own: the caller's has just committed
        try:
            deliver_due()
        except Exception:
            log.exception("sending outbound messages failed")
            db.session.rollback()
        finally:
            db.session.remove()


def _claimable(now):
    return sa.or_(
        sa.and_(OutboundMessage.status == OutboundStatus.queued, OutboundMessage.next_attempt_at <= now),
        sa.and_(OutboundMessage.status == OutboundStatus.sending, OutboundMessage.claimed_at < now - CLAIM_TIMEOUT))


def due_ids(now, names: list[str], limit: int = BATCH) -> list[int]:
    """Records of these channels that may be sent at `now`, oldest due first."""
    if not names:
        return []
    ids = list(db.session.scalars(sa.select(OutboundMessage.id).where(
        OutboundMessage.channel.in_(names), _claimable(now)).order_by(
        OutboundMessage.next_attempt_at, OutboundMessage.id).limit(limit)))
    db.session.commit()
    return ids


def claim(message_id: int, now) -> bool:
    """Take one record for sending; True only for the one process whose UPDATE changed it."""
    result = db.session.execute(sa.update(OutboundMessage).where(
        OutboundMessage.id == message_id, _claimable(now)).values(
        status=OutboundStatus.sending, claimed_at=now, attempts=OutboundMessage.attempts + 1).execution_options(
        synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def _finish(message_id: int, claim_time, **values) -> None:
    """Record the outcome, unless the claim was lost meanwhile (taken over as stale)."""
    db.session.execute(sa.update(OutboundMessage).where(
        OutboundMessage.id == message_id, OutboundMessage.status == OutboundStatus.sending,
        OutboundMessage.claimed_at == claim_time).values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def _locale_of(user: User) -> str:
    langs = current_app.config["LANGUAGES"]
    return user.locale if user.locale in langs else current_app.config["BABEL_DEFAULT_LOCALE"]


def absolute_url(path: str | None) -> str:
    base = current_app.config.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")
    return base + (path if path and path.startswith("/") else "/notifications")


def message_payload(n: Notification, message: OutboundMessage, user: User) -> dict:
    """What a channel gets: the notification JSON in the recipient's language, and more."""
    locale = _locale_of(user)
    return {**payloads.notification_json(n, locale=locale), "message_id": str(message.id), "locale": locale,
            "data": dict(n.data or {}), "link": absolute_url(n.url)}


def send_one(message_id: int, claimed_at, channel) -> OutboundStatus:
    """Send one claimed record through its channel and record what came of it."""
    message = db.session.get(OutboundMessage, message_id)
    user = db.session.get(User, message.user_id)
    n = db.session.get(Notification, message.notification_id)
    attempts = message.attempts
    if user is None or n is None or not user.is_active_account:
        _finish(message_id, claimed_at, status=OutboundStatus.skipped, last_error="no recipient")
        return OutboundStatus.skipped
    if channels.is_opt_in(channel) and channel.name not in preferences.enabled_for({user.id}, [channel.name]).get(
            user.id, ()):
        _finish(message_id, claimed_at, status=OutboundStatus.skipped, last_error="turned off")
        return OutboundStatus.skipped
    recipient = channels.Recipient(user.id, user.display_name, user.phone, user.locale, user.email)
    payload = message_payload(n, message, user)
    db.session.commit()  # no transaction held open while the gateway answers
    try:
        channel.send(recipient, payload)
    except channels.Skip as err:
        status, values = OutboundStatus.skipped, {"last_error": err.reason}
    except channels.Refused as err:
        status, values = OutboundStatus.failed, {"last_error": err.reason}
    except Exception as err:  # a passing failure: try again later, or give up
        reason = err.reason if isinstance(err, channels.SendError) else type(err).__name__
        if not isinstance(err, channels.Retry):
            log.exception("channel %s failed on message %s", channel.name, message_id)
        again = rules.next_attempt(clock.now(), attempts, quiet_hours())
        if again is None:
            status, values = OutboundStatus.failed, {"last_error": reason}
        else:
            status, values = OutboundStatus.queued, {"last_error": reason, "next_attempt_at": again,
                                                     "claimed_at": None}
    else:
        status, values = OutboundStatus.sent, {"sent_at": clock.now(), "last_error": None}
    if status is not OutboundStatus.sent:
        log.info("%s message %s (attempt %s): %s, %s", channel.name, message_id, attempts, status.value,
                 values.get("last_error"))
    _finish(message_id, claimed_at, status=status, **values)
    return status


def deliver_due(limit: int = BATCH) -> dict[str, int]:
    """Send every record that is due (the scheduler's job; also run after each commit that queued some).

    In quiet hours the channels that keep them wait. Returns how many ended in each status."""
    now = clock.now()
    by_name = {c.name: c for c in channels.configured()}
    quiet = rules.is_quiet(now, quiet_hours())
    names = [name for name, c in by_name.items() if not (quiet and channels.keeps_quiet_hours(c))]
    outcome: dict[str, int] = {}
    for message_id in due_ids(now, names, limit):
        message = db.session.get(OutboundMessage, message_id)
        channel = by_name.get(message.channel) if message is not None else None
        db.session.commit()
        if channel is None or not claim(message_id, now):
            continue
        status = send_one(message_id, now, channel)
        outcome[status.value] = outcome.get(status.value, 0) + 1
        # Let what waits run between two sends: a ballot opened for 1,000 households queues 1,000
        # texts while those households start voting, in this same process (docs/performance.md,
        # "Vote storm"). Under eventlet or gevent this hands the hub to every ready green thread.
        socketio.sleep(0)
    return outcome


def records_for(user_id: int) -> sa.Select:
    return sa.select(OutboundMessage).where(OutboundMessage.user_id == user_id).order_by(OutboundMessage.id)
