/* The topic page's live discussion (templates/deliberation/topic.html), on top of the
   server-rendered page and its plain form:
   - new messages appear as they are posted, in id order, each once;
   - sending is optimistic: the message shows at once as pending ("发送中") until the ack
     replaces it; on failure it shows the error and a retry that reuses its client_id;
   - hidden messages disappear (moderators see them marked instead);
   - the online count and who is typing.
   User text is only ever set with textContent. Strings come from #live-strings data-*. */
(function () {
  "use strict";

  var root = document.getElementById("discussion");
  var rt = window.Courtyard && window.Courtyard.realtime;
  if (!root || !rt || !rt.available()) return;  // no socket: the plain form and reloads still work

  var topicId = Number(root.getAttribute("data-topic-id"));
  var me = root.getAttribute("data-me");
  var moderator = root.getAttribute("data-moderator") === "true";
  var list = document.getElementById("messages");
  var empty = document.getElementById("no-messages");
  var onlineCount = document.getElementById("online-count");
  var typingLine = document.getElementById("typing");
  var form = document.getElementById("post-form");
  var input = form && form.querySelector("textarea[name=body], input[name=body]");
  var strings = document.getElementById("live-strings");
  var TYPING_SHOWN = 5000;

  function t(name, fallback) {
    var v = strings && strings.getAttribute("data-" + name);
    return v || fallback;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // The one date format (static/js/when.js, as the server's `when` filter): 刚刚, 5分钟前, 今天 15:05 …
  function timeText(iso) {
    var when = window.Courtyard && window.Courtyard.when;
    return when ? when(iso) : "";
  }

  // --- rendering ----------------------------------------------------------------------------

  function fill(li, m) {
    li.textContent = "";
    li.id = "m" + m.id;
    li.className = "message" + (String(m.author.id) === me ? " message-mine" : "") + (m.hidden ? " message-hidden" : "");
    li.setAttribute("data-author-id", String(m.author.id));
    li.removeAttribute("data-client-id");
    li.removeAttribute("aria-busy");
    var head = el("div", "message-head");
    head.appendChild(el("span", "message-author", m.author.display_name));
    if (m.badge) { head.appendChild(document.createTextNode(" ")); head.appendChild(el("span", "badge badge-org", m.badge.name)); }
    var time = el("time", "message-time", timeText(m.created_at));
    time.setAttribute("datetime", m.created_at);
    head.appendChild(time);
    li.appendChild(head);
    if (m.hidden) li.appendChild(el("p", "message-body message-removed", t("hidden", "This message was hidden by a moderator.")));
    else li.appendChild(el("p", "message-body", m.body));
    // Last: moderation.js watches this attribute to add the hide / report controls.
    li.setAttribute("data-message-id", String(m.id));
    return li;
  }

  function firstPending() {
    return list.querySelector("li.message-pending, li.message-failed");
  }

  function place(li, id) {
    // Confirmed messages in id order; pending ones stay below them.
    var items = list.querySelectorAll("li[data-message-id]");
    for (var i = 0; i < items.length; i++) {
      if (Number(items[i].getAttribute("data-message-id")) > id) { list.insertBefore(li, items[i]); return; }
    }
    var pending = firstPending();
    if (pending && pending !== li) list.insertBefore(li, pending);
    else list.appendChild(li);
  }

  function pendingFor(clientId) {
    var items = list.querySelectorAll("li[data-client-id]");
    for (var i = 0; i < items.length; i++) {
      if (items[i].getAttribute("data-client-id") === clientId) return items[i];
    }
    return null;
  }

  function show(m) {
    if (!m || m.topic_id !== topicId || typeof m.id !== "number") return;
    var existing = document.getElementById("m" + m.id);
    var pending = String(m.author.id) === me ? pendingFor(m.client_id) : null;
    if (existing) {
      if (pending) pending.parentNode.removeChild(pending);
      return;
    }
    if (m.hidden && !moderator) {
      if (pending) pending.parentNode.removeChild(pending);
      return;
    }
    var li = fill(pending || el("li"), m);
    place(li, m.id);
    if (empty) empty.hidden = true;
    clearTyping(m.author.id);
  }

  function hide(fact) {
    if (!fact || fact.topic_id !== topicId) return;
    var li = document.getElementById("m" + fact.message_id);
    if (!li) return;
    if (moderator) {
      li.classList.add("message-hidden");
      var body = li.querySelector(".message-body");
      if (body) { body.classList.add("message-removed"); body.textContent = t("hidden", "This message was hidden by a moderator."); }
      return;
    }
    li.parentNode.removeChild(li);
    if (empty && !list.querySelector("li")) empty.hidden = false;
  }

  // --- sending ------------------------------------------------------------------------------

  function markPending(li, body, clientId) {
    li.textContent = "";
    li.className = "message message-mine message-pending";
    li.setAttribute("data-client-id", clientId);
    li.setAttribute("aria-busy", "true");
    var head = el("div", "message-head");
    head.appendChild(el("span", "message-author", t("me-name", "")));
    head.appendChild(el("span", "message-time message-status", t("pending", "Sending…")));
    li.appendChild(head);
    li.appendChild(el("p", "message-body", body));
    return li;
  }

  function markFailed(li, body, clientId, error) {
    li.classList.remove("message-pending");
    li.classList.add("message-failed");
    li.removeAttribute("aria-busy");
    var status = li.querySelector(".message-status");
    var message = (error && error.message) || t("failed", "Not sent.");
    if (status) status.textContent = t("failed", "Not sent.");
    var row = el("div", "message-retry");
    row.setAttribute("role", "alert");
    row.appendChild(el("span", "field-error", message));
    var retry = el("button", "link-button", t("retry", "Retry"));
    retry.type = "button";
    retry.addEventListener("click", function () {
      row.parentNode.removeChild(row);
      li.classList.remove("message-failed");
      send(body, clientId, li);
    });
    row.appendChild(document.createTextNode(" "));
    row.appendChild(retry);
    li.appendChild(row);
  }

  function send(body, clientId, li) {
    li = markPending(li || el("li"), body, clientId);
    if (!li.parentNode) list.appendChild(li);
    if (empty) empty.hidden = true;
    rt.postMessage(topicId, body, clientId).then(function (ack) {
      if (ack && ack.ok) show(ack.message);
      else markFailed(li, body, clientId, ack && ack.error);
    });
  }

  if (form && input) {
    form.addEventListener("submit", function (event) {
      if (!rt.connected()) return;  // offline: the plain form posts it (the same client_id rule applies)
      event.preventDefault();
      var body = input.value.trim();
      if (!body) { input.focus(); return; }
      var hidden = form.querySelector("input[name=client_id]");
      var clientId = (hidden && hidden.value) || rt.newClientId();
      if (hidden) hidden.value = rt.newClientId();  // the next message gets its own id
      var errors = form.querySelectorAll(".field-error, .form-errors");
      for (var i = 0; i < errors.length; i++) errors[i].parentNode.removeChild(errors[i]);
      input.removeAttribute("aria-invalid");
      input.value = "";
      input.focus();
      send(body, clientId);
    });
    input.addEventListener("input", function () { rt.typing(topicId); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        if (form.requestSubmit) form.requestSubmit(); else form.dispatchEvent(new Event("submit", { cancelable: true }));
      }
    });
  }

  // --- presence and typing ------------------------------------------------------------------

  var typists = {};  // user id → {name, timer}

  function renderTyping() {
    if (!typingLine) return;
    var names = Object.keys(typists).map(function (id) { return typists[id].name; });
    if (!names.length) typingLine.textContent = "";
    else if (names.length === 1) typingLine.textContent = t("typing", "{name} is typing…").split("{name}").join(names[0]);
    else typingLine.textContent = t("typing-many", "Several people are typing…");
  }

  function clearTyping(userId) {
    var entry = typists[userId];
    if (!entry) return;
    clearTimeout(entry.timer);
    delete typists[userId];
    renderTyping();
  }

  rt.on("typing", function (fact) {
    if (!fact || fact.topic_id !== topicId || !fact.user || String(fact.user.id) === me) return;
    var id = fact.user.id;
    if (typists[id]) clearTimeout(typists[id].timer);
    typists[id] = { name: fact.user.display_name, timer: setTimeout(function () { clearTyping(id); }, TYPING_SHOWN) };
    renderTyping();
  });

  function setOnline(n) {
    if (onlineCount && typeof n === "number") onlineCount.textContent = String(n);
  }

  rt.on("presence.changed", function (fact) { if (fact && fact.topic_id === topicId) setOnline(fact.online); });
  rt.on("message.posted", show);
  rt.on("message.hidden", hide);
  rt.on("connection", function (state) {
    root.classList.toggle("is-offline", !state.connected);
    root.setAttribute("data-live", state.connected ? "on" : "off");
  });
  rt.on("session.ended", function () {
    root.setAttribute("data-live", "ended");
    if (typingLine) typingLine.textContent = t("ended", "");
  });

  rt.joinTopic(topicId, Number(root.getAttribute("data-last-id")) || 0).then(function (ack) {
    if (ack && ack.ok) {
      setOnline(ack.online);
      root.setAttribute("data-joined", "true");
    }
  });
})();
