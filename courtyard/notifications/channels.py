"""Outbound channels (SMS, WeChat …) behind one interface.

A channel has `send(user, notification)`: `user` is a services.Recipient (id,
display_name, phone, locale), `notification` the notification JSON. Channels are called
after the commit, for the kinds in services.OUTBOUND_KINDS, and one failing channel
neither stops the others nor the request.

`NOTIFY_CHANNELS` (environment, read by courtyard/config.py) picks them: a comma-separated list of
names from CHANNELS (default `log`) or `package.module:ClassName` for one of your own
(e.g. an SMS gateway's client). An empty value sends nothing.
"""
from __future__ import annotations

import importlib
import logging
from typing import Protocol, runtime_checkable

from flask import Flask, current_app

log = logging.getLogger("courtyard.notify")


@runtime_checkable
class Channel(Protocol):
    name: str

    def send(self, user, notification: dict) -> None: ...


class LoggingChannel:
    """Writes each send to the log and keeps the latest ones in `sent`: the default, and for tests."""

    name = "log"
    KEEP = 1000

    def __init__(self) -> None:
        self.sent: list[tuple[object, dict]] = []

    def send(self, user, notification: dict) -> None:
        log.info("notify user %s (%s) [%s]: %s", user.id, user.display_name, notification.get("kind"),
                 notification.get("text"))
        self.sent.append((user, notification))
        del self.sent[:-self.KEEP]


CHANNELS: dict[str, type] = {"log": LoggingChannel}
_EXT = "courtyard_channels"


def _load(name: str) -> Channel:
    if name in CHANNELS:
        channel = CHANNELS[name]()
    elif ":" in name:
        module, _, attr = name.partition(":")
        channel = getattr(importlib.import_module(module), attr)()
    else:
        raise RuntimeError(f"NOTIFY_CHANNELS: unknown channel {name!r} (known: {', '.join(CHANNELS)})")
    if not isinstance(channel, Channel):
        raise RuntimeError(f"NOTIFY_CHANNELS: {name!r} has no send(user, notification)")
    return channel


def init_app(app: Flask) -> None:
    """Build the configured channels once per app; a wrong name stops start-up, not a later send."""
    setting = app.config.get("NOTIFY_CHANNELS", "log")
    names = [n.strip() for n in setting.split(",")] if isinstance(setting, str) else list(setting)
    app.config["NOTIFY_CHANNELS"] = ",".join(n for n in names if n)
    app.extensions[_EXT] = [_load(n) for n in names if n]


def configured() -> list[Channel]:
    return current_app.extensions.get(_EXT, [])


def deliver(user, notification: dict) -> None:
    for channel in configured():
        try:
            channel.send(user, notification)
        except Exception:  # a gateway's failure must not undo or break what was committed
            log.exception("channel %s failed to send notification %s", getattr(channel, "name", channel),
                          notification.get("id"))
