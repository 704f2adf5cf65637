/* The page's one Socket.IO connection (CONTRACT §5), shared by every page module.

   Courtyard.realtime.on(event, fn)            facts from the server, plus local ones:
                                               "connection" {connected, reason}, "session.ended"
   Courtyard.realtime.joinTopic(id, lastSeen)  → Promise of the join ack
   Courtyard.realtime.leaveTopic(id)           → Promise of the ack
   Courtyard.realtime.postMessage(id, body, clientId) → Promise of the ack ({ok, message} or {ok:false, error})
   Courtyard.realtime.typing(id)               throttled; no ack
   Courtyard.realtime.newClientId()            a fresh id for an idempotent post
   Courtyard.realtime.joinDistrict(id)         → Promise of the ack; re-joined after every reconnect
   Courtyard.realtime.postDistrict(threadId, body) → Promise of the ack ({ok, post} or {ok:false, error})

   "message.posted" reaches page handlers exactly once per message and in ascending id order
   per topic: joined topics are re-joined after every reconnect with `after` = the last id
   seen, the `missed` messages are merged in, and live messages that arrive before a join's
   ack are held back until the ack has been merged. */
(function () {
  "use strict";

  var Courtyard = (window.Courtyard = window.Courtyard || {});
  var FACTS = ["message.posted", "message.hidden", "vote.tallied", "proposal.decided", "topic.created",
               "topic.updated", "task.updated", "presence.changed", "notification.created", "typing",
               "district.thread_created", "district.thread_updated", "district.posted",
               "notice.updated", "visit.recorded", "project.updated"];
  var ACK_TIMEOUT = 15000;
  var TYPING_EVERY = 3000;
  var PAGE = 500;

  var handlers = {};
  var topics = {};   // id → {lastId, gen, joined, joining, buffer: [], waiters: []}
  var districts = {};  // id → true: district rooms to be in (joined again after a reconnect)
  var socket = null;
  var ended = false;
  var lastTyping = {};

  function dispatch(event, payload) {
    (handlers[event] || []).slice().forEach(function (fn) {
      try { fn(payload); } catch (e) { if (window.console) console.error(e); }
    });
  }

  function failure(code, message) {
    return { ok: false, error: { code: code, message: message } };
  }

  function emit(command, payload) {
    return new Promise(function (resolve) {
      var s = connect();
      if (!s) { resolve(failure("offline", "")); return; }
      s.timeout(ACK_TIMEOUT).emit(command, payload, function (err, ack) {
        if (err || !ack || typeof ack !== "object") resolve(failure("timeout", ""));
        else resolve(ack);
      });
    });
  }

  // --- message ordering per topic ---------------------------------------------------------

  function deliver(room, message) {
    if (typeof message.id !== "number" || message.id <= room.lastId) return;  // seen already
    room.lastId = message.id;
    dispatch("message.posted", message);
  }

  function onPosted(message) {
    var room = message && topics[message.topic_id];
    if (!room) { if (message) dispatch("message.posted", message); return; }
    if (room.joining) room.buffer.push(message);
    else deliver(room, message);
  }

  function fetchRest(topicId, room) {
    // More was missed than one ack carries: page through the REST history.
    var url = "/api/v1/topics/" + encodeURIComponent(topicId) + "/messages?limit=" + PAGE + "&after=" + room.lastId;
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (body) {
        var items = Array.isArray(body) ? body : (body.items || []);
        items.forEach(function (m) { deliver(room, m); });
        if (items.length >= PAGE) return fetchRest(topicId, room);
      })
      .catch(function () { /* the next reconnect asks again */ });
  }

  function join(topicId) {
    var room = topics[topicId];
    var gen = ++room.gen;
    room.joining = true;
    return emit("join_topic", { topic_id: topicId, after: room.lastId }).then(function (ack) {
      if (gen !== room.gen) return ack;  // a newer join (after a reconnect) took over
      var settle = Promise.resolve();
      if (ack.ok) {
        (ack.missed || []).forEach(function (m) { deliver(room, m); });
        if (ack.more) settle = fetchRest(topicId, room);
      }
      return settle.then(function () {
        if (gen !== room.gen) return ack;
        room.joining = false;
        room.joined = !!ack.ok;
        var held = room.buffer.sort(function (a, b) { return a.id - b.id; });
        room.buffer = [];
        held.forEach(function (m) { deliver(room, m); });
        var waiters = room.waiters;
        room.waiters = [];
        waiters.forEach(function (resolve) { resolve(ack); });
        return ack;
      });
    });
  }

  // --- the connection ---------------------------------------------------------------------

  function connect() {
    if (socket || ended) return socket;
    if (typeof window.io !== "function") return null;
    socket = window.io({ withCredentials: true });
    socket.on("connect", function () {
      dispatch("connection", { connected: true });
      Object.keys(topics).forEach(function (id) { join(Number(id)); });
      Object.keys(districts).forEach(function (id) { emit("join_district", { district_id: Number(id) }); });
    });
    socket.on("disconnect", function (reason) {
      Object.keys(topics).forEach(function (id) { topics[id].joined = false; });
      dispatch("connection", { connected: false, reason: reason });
      // The server let go of us (a logout, or lost access): try once more; a refusal ends it.
      if (reason === "io server disconnect" && !ended) socket.connect();
    });
    socket.on("connect_error", function (err) {
      dispatch("connection", { connected: false, reason: err && err.message });
      if (err && err.message === "unauthenticated") {
        ended = true;
        socket.disconnect();
        dispatch("session.ended", {});
      }
    });
    FACTS.forEach(function (name) {
      socket.on(name, name === "message.posted" ? onPosted : function (payload) { dispatch(name, payload); });
    });
    return socket;
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
  }

  Courtyard.realtime = {
    on: function (event, fn) {
      (handlers[event] = handlers[event] || []).push(fn);
      connect();
    },
    off: function (event, fn) {
      handlers[event] = (handlers[event] || []).filter(function (f) { return f !== fn; });
    },
    connected: function () { return !!(socket && socket.connected); },
    available: function () { return typeof window.io === "function" && !ended; },
    joinTopic: function (topicId, lastSeenId) {
      topicId = Number(topicId);
      var room = topics[topicId];
      if (!room) {
        room = topics[topicId] = { lastId: Number(lastSeenId) || 0, gen: 0, joined: false, joining: false,
                                   buffer: [], waiters: [] };
      }
      if (!connect()) return Promise.resolve(failure("offline", ""));
      if (socket.connected) return join(topicId);
      // Not connected yet: the "connect" handler joins every topic; answer with that join's ack.
      return new Promise(function (resolve) { room.waiters.push(resolve); });
    },
    leaveTopic: function (topicId) {
      topicId = Number(topicId);
      delete topics[topicId];
      return emit("leave_topic", { topic_id: topicId });
    },
    postMessage: function (topicId, body, clientId) {
      return emit("post_message", { topic_id: Number(topicId), body: body, client_id: clientId });
    },
    joinDistrict: function (districtId) {
      districtId = Number(districtId);
      districts[districtId] = true;
      if (!connect()) return Promise.resolve(failure("offline", ""));
      if (socket.connected) return emit("join_district", { district_id: districtId });
      // Not connected yet: answer with a join once it is (the "connect" handler joins it too: harmless).
      return new Promise(function (resolve) {
        socket.once("connect", function () { emit("join_district", { district_id: districtId }).then(resolve); });
      });
    },
    postDistrict: function (threadId, body) {
      return emit("post_district", { thread_id: Number(threadId), body: body });
    },
    typing: function (topicId) {
      var now = Date.now();
      if (!socket || !socket.connected || now - (lastTyping[topicId] || 0) < TYPING_EVERY) return;
      lastTyping[topicId] = now;
      socket.emit("typing", { topic_id: Number(topicId) });
    },
    newClientId: randomId
  };
})();
