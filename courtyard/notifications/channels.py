"""Outbound channels (log, SMS, e-mail …) behind one interface.

A channel has `send(user, notification)`: `user` is a Recipient (id, display_name, phone,
locale, email), `notification` the notification JSON in the recipient's language plus
`message_id` (the delivery record's id, for the gateway to drop duplicates), `data` (what the
sentence is made of) and `link` (its absolute URL). outbound.py calls it, after the commit and
from the `notifications.deliver_due` job, once per delivery record (one per notification and
channel); one failing channel neither stops the others nor the request.

What `send` raises decides the record's fate: nothing → sent; `Retry(reason)` (or any other
exception) → tried again later with back-off (rules.py); `Refused(reason)` → failed for good;
`Skip(reason)` → skipped (nothing to send to). A reason is a short word of ours ("HTTP 500",
"timeout"), never a phone number or an address.

A channel may also say:
- `opt_in = True`: only residents who turned it on get it (the settings page; sms, email);
  other channels (log, your own) send to everyone;
- `quiet_hours = True`: nothing goes 22:00–07:00 Beijing time (rules.py); default: = opt_in;
- `from_config(config)` (classmethod): built from the app's settings; a bad setting raises
  RuntimeError, which stops start-up.

`NOTIFY_CHANNELS` (environment, read by courtyard/config.py) picks them: a comma-separated list of
names from CHANNELS (default `log`; `log,sms,email` for all three) or `package.module:ClassName`
for one of your own. An empty value sends nothing.
"""
from __future__ import annotations

import hashlib
import hmac
import importlib
import json
import logging
import smtplib
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Protocol, runtime_checkable

from flask import Flask, current_app

from .. import clock
from ..accounts.services import mask_phone
from . import texts

log = logging.getLogger("courtyard.notify")


@dataclass(frozen=True)
class Recipient:
    """Who an outbound channel sends to: a plain snapshot, safe to use after the commit."""

    id: int
    display_name: str
    phone: str | None
    locale: str | None
    email: str | None = None


@runtime_checkable
class Channel(Protocol):
    name: str

    def send(self, user, notification: dict) -> None: ...


class SendError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason[:120]


class Retry(SendError):
    """A passing failure (timeout, 429, 5xx): try again later."""


class Refused(SendError):
    """The other side refused the message for good (4xx): do not try again."""


class Skip(SendError):
    """Nothing to send to (no phone, no address)."""


def mask_email(address: str | None) -> str | None:
    """z***@example.com: the first letter and the domain."""
    if not address:
        return address
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def is_opt_in(channel) -> bool:
    return bool(getattr(channel, "opt_in", False))


def keeps_quiet_hours(channel) -> bool:
    return bool(getattr(channel, "quiet_hours", is_opt_in(channel)))


class LoggingChannel:
    """Writes each send to the log and keeps the latest ones in `sent`: the default, and for tests."""

    name = "log"
    opt_in = False
    quiet_hours = False
    KEEP = 1000

    def __init__(self) -> None:
        self.sent: list[tuple[object, dict]] = []

    def send(self, user, notification: dict) -> None:
        log.info("notify user %s (%s) [%s]: %s", user.id, user.display_name, notification.get("kind"),
                 notification.get("text"))
        self.sent.append((user, notification))
        del self.sent[:-self.KEEP]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is answered as what it is (3xx), not followed with our body


def _required(config, channel: str, *names: str) -> list:
    """The settings a channel cannot do without, in order; start-up stops naming those not set."""
    values = [config.get(n) for n in names]
    missing = [n for n, v in zip(names, values) if not v]
    if missing:
        raise RuntimeError(f"NOTIFY_CHANNELS includes {channel}, but {' and '.join(missing)} "
                           f"{'is' if len(missing) == 1 else 'are'} not set")
    return values


class SmsChannel:
    """A generic HTTP SMS gateway: a JSON POST signed with HMAC-SHA256.

    Body: {"message_id", "to", "template", "params", "text"} (UTF-8 JSON). Headers:
    `X-Courtyard-Timestamp: <unix seconds>` and `X-Courtyard-Signature: sha256=<hex>`, the
    HMAC-SHA256 with SMS_GATEWAY_SECRET over "<timestamp>.<body>". 2xx: sent; 429, 5xx,
    a timeout or no connection: tried again later; any other answer: failed.
    """

    name = "sms"
    opt_in = True
    quiet_hours = True

    def __init__(self, url: str, secret: str, timeout: float = 5.0) -> None:
        self.url, self.secret, self.timeout = url, secret, timeout
        self._opener = urllib.request.build_opener(_NoRedirect)

    @classmethod
    def from_config(cls, config) -> SmsChannel:
        url, secret = _required(config, "sms", "SMS_GATEWAY_URL", "SMS_GATEWAY_SECRET")
        if not str(url).startswith(("http://", "https://")):
            raise RuntimeError("SMS_GATEWAY_URL must be an http:// or https:// URL")
        return cls(url, secret, float(config.get("SMS_TIMEOUT") or 5.0))

    @staticmethod
    def address(user) -> str | None:
        return user.phone

    def sign(self, timestamp: str, body: bytes) -> str:
        return "sha256=" + hmac.new(self.secret.encode(), timestamp.encode() + b"." + body,
                                    hashlib.sha256).hexdigest()

    def send(self, user, notification: dict) -> None:
        if not user.phone:
            raise Skip("no phone")
        template, params, text = texts.sms(notification)
        body = json.dumps({"message_id": str(notification.get("message_id", notification.get("id"))),
                           "to": user.phone, "template": template, "params": params, "text": text},
                          ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = str(int(clock.now().timestamp()))
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "X-Courtyard-Timestamp": timestamp,
            "X-Courtyard-Signature": self.sign(timestamp, body), "User-Agent": "Courtyard-SMS/1"})
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as err:
            status = err.code
            err.close()
        except urllib.error.URLError as err:
            timed_out = isinstance(err.reason, (TimeoutError, socket.timeout))
            raise Retry("timeout" if timed_out else "connection error") from None
        except (TimeoutError, socket.timeout):
            raise Retry("timeout") from None
        except OSError:  # reset, refused, a broken answer (http.client errors are OSErrors or not)
            raise Retry("connection error") from None
        except Exception:  # http.client.HTTPException and the like: the answer was unreadable
            raise Retry("bad answer") from None
        if 200 <= status < 300:
            log.info("sms %s to %s: sent", notification.get("message_id"), mask_phone(user.phone))
            return
        if status == 429 or status >= 500:
            raise Retry(f"HTTP {status}")
        raise Refused(f"HTTP {status}")


class EmailChannel:
    """Plain-text e-mail over SMTP (STARTTLS and login when configured), in the recipient's language."""

    name = "email"
    opt_in = True
    quiet_hours = True

    def __init__(self, host: str, port: int, sender: str, *, user: str | None = None,
                 password: str | None = None, starttls: bool = False, timeout: float = 10.0) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls, self.timeout = user, password, starttls, timeout

    @classmethod
    def from_config(cls, config) -> EmailChannel:
        host, sender = _required(config, "email", "SMTP_HOST", "SMTP_FROM")
        if bool(config.get("SMTP_USER")) != bool(config.get("SMTP_PASSWORD")):
            raise RuntimeError("SMTP_USER and SMTP_PASSWORD go together: set both or neither")
        return cls(host, int(config.get("SMTP_PORT") or 25), sender, user=config.get("SMTP_USER") or None,
                   password=config.get("SMTP_PASSWORD") or None, starttls=bool(config.get("SMTP_STARTTLS")),
                   timeout=float(config.get("SMTP_TIMEOUT") or 10.0))

    @staticmethod
    def address(user) -> str | None:
        return user.email

    def message(self, user, notification: dict) -> EmailMessage:
        subject, body = texts.email(user, notification)
        msg = EmailMessage()
        msg["Subject"] = subject
        msg["From"] = self.sender
        msg["To"] = formataddr((user.display_name, user.email))
        msg["Date"] = formatdate(clock.now().timestamp(), localtime=False)
        msg["Message-ID"] = make_msgid(idstring=f"courtyard.{notification.get('message_id')}")
        msg.set_content(body)
        return msg

    def send(self, user, notification: dict) -> None:
        if not user.email:
            raise Skip("no e-mail address")
        msg = self.message(user, notification)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as err:
            codes = [code for code, _ in err.recipients.values()]
            if any(400 <= c < 500 for c in codes):
                raise Retry(f"SMTP {codes[0]}") from None
            raise Refused(f"SMTP {codes[0] if codes else 'refused'}") from None
        except smtplib.SMTPResponseException as err:
            if 400 <= err.smtp_code < 500:
                raise Retry(f"SMTP {err.smtp_code}") from None
            raise Refused(f"SMTP {err.smtp_code}") from None
        except (TimeoutError, socket.timeout):
            raise Retry("timeout") from None
        except (smtplib.SMTPException, OSError):
            raise Retry("connection error") from None
        log.info("email %s to %s: sent", notification.get("message_id"), mask_email(user.email))


CHANNELS: dict[str, type] = {"log": LoggingChannel, "sms": SmsChannel, "email": EmailChannel}
_EXT = "courtyard_channels"


def _load(name: str, config) -> Channel:
    if name in CHANNELS:
        cls = CHANNELS[name]
    elif ":" in name:
        module, _, attr = name.partition(":")
        cls = getattr(importlib.import_module(module), attr)
    else:
        raise RuntimeError(f"NOTIFY_CHANNELS: unknown channel {name!r} (known: {', '.join(CHANNELS)})")
    channel = cls.from_config(config) if hasattr(cls, "from_config") else cls()
    if not isinstance(channel, Channel):
        raise RuntimeError(f"NOTIFY_CHANNELS: {name!r} has no send(user, notification)")
    return channel


def names(setting) -> list[str]:
    names = [n.strip() for n in setting.split(",")] if isinstance(setting, str) else list(setting)
    return list(dict.fromkeys(n for n in names if n))


def build(config) -> list[Channel]:
    """The channels NOTIFY_CHANNELS names, built from `config`; RuntimeError on a bad setting."""
    return [_load(n, config) for n in names(config.get("NOTIFY_CHANNELS", "log"))]


def init_app(app: Flask) -> None:
    """Build the configured channels once per app; a wrong name or setting stops start-up, not a later send."""
    app.extensions[_EXT] = build(app.config)
    app.config["NOTIFY_CHANNELS"] = ",".join(names(app.config.get("NOTIFY_CHANNELS", "log")))


def configured() -> list[Channel]:
    return current_app.extensions.get(_EXT, [])


def by_name(name: str) -> Channel | None:
    return next((c for c in configured() if c.name == name), None)


def offered() -> list[Channel]:
    """The channels residents turn on or off themselves (opt-in), as configured."""
    return [c for c in configured() if is_opt_in(c)]


def deliver(user, notification: dict) -> None:
    """Send through every configured channel now, bypassing delivery records (scripts, tests)."""
    for channel in configured():
        try:
            channel.send(user, notification)
        except Exception:  # a gateway's failure must not undo or break what was committed
            log.exception("channel %s failed to send notification %s", getattr(channel, "name", channel),
                          notification.get("id"))
