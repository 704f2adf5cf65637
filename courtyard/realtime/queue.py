"""Socket.IO's Redis message queue, delivering in one order in every process.

python-socketio's RedisManager hands an emit to this process's own sockets at once and then
publishes it for the others, which hear it when their listener reads the channel. With two
processes that breaks CONTRACT §5 ("every recipient sees messages of a topic in ascending id
order"): w1 commits and publishes message 12 and releases the topic's advisory lock
(deliberation/ordering.py); w2 commits 14 and hands it to its own sockets before its listener
has read 12 from Redis. A browser that saw 14 first ignores 12 as seen (static/js/realtime.js).

`OrderedRedisManager` publishes first and delivers to its own sockets when its listener reads
the emit back from the channel, like every other process does. Redis keeps one order for a
channel, and publishes of a topic are serialised by the topic lock, so every process delivers
them in id order. When the emit cannot go through Redis (Redis away, the listener not yet
subscribed, or a process that only writes) it is delivered here at once, as before: no one
connected to this process misses it, and ordering across processes is what Redis being away
costs until it is back.
"""
from __future__ import annotations

import socketio
from socketio.packet import Packet

ORDERED = "+ordered"  # suffix of the host id on emits that this process delivers when read back


class OrderedRedisManager(socketio.RedisManager):
    def emit(self, event, data, namespace=None, room=None, skip_sid=None, callback=None, to=None,
             **kwargs):
        payload = list(data) if isinstance(data, tuple) else [data]
        pubsub = self.pubsub
        if (kwargs.get("ignore_queue") or callback is not None or self.write_only
                or pubsub is None or not pubsub.subscribed or Packet.data_is_binary(payload)):
            return super().emit(event, data, namespace=namespace, room=room, skip_sid=skip_sid,
                                callback=callback, to=to, **kwargs)
        message = {"method": "emit", "event": event, "data": payload, "binary": False,
                   "namespace": namespace or "/", "room": to or room, "skip_sid": skip_sid,
                   "callback": None,
                   # Not this host's id: this process's own listener hands it to the local sockets.
                   "host_id": self.host_id + ORDERED}
        if self._publish(message) is None:  # RedisManager gave up (and logged it): deliver here
            self._handle_emit(message)
