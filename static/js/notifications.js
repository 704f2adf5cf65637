/* The top bar's unread badge, kept live by `notification.created` (sent to user:<id>).
   Uses the page's one socket from static/js/realtime.js when the page has it; without it
   the badge simply shows the count the page was rendered with. On the notification
   centre the new or updated entry is shown at the top. User text is set with textContent. */
(function () {
  "use strict";

  var badge = document.getElementById("unread-badge");
  var list = document.getElementById("notification-list");
  var pending = null;

  function show(count) {
    if (!badge) return;
    badge.textContent = String(count);
    badge.hidden = !count;
  }

  // A coalesced notification comes again under its id, so the count is asked of the server.
  function refreshCount() {
    if (pending) return;
    pending = window.fetch("/api/v1/notifications/unread-count", {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body && typeof body.unread === "number") show(body.unread); })
      .catch(function () { /* the next notification tries again */ })
      .then(function () { pending = null; });
  }

  function entry(n) {
    var li = document.createElement("li");
    li.className = "notification is-unread";
    li.setAttribute("data-notification-id", String(n.id));
    var a = document.createElement("a");
    a.className = "notification-link";
    a.href = "/notifications/" + encodeURIComponent(n.id) + "/open";
    a.textContent = n.text;
    var meta = document.createElement("span");
    meta.className = "notification-meta";
    var time = document.createElement("time");
    time.setAttribute("datetime", n.created_at);
    time.textContent = window.Courtyard && window.Courtyard.when ? window.Courtyard.when(n.created_at) : "";  // static/js/when.js
    meta.appendChild(time);
    li.appendChild(a);
    var folded = steps(n);
    if (folded) li.appendChild(folded);
    li.appendChild(meta);
    return li;
  }

  // A grouped entry (a task's or a topic's steps, courtyard/notifications/grouping.py): the
  // count and the kept steps, newest first, as the page renders them. The words for "N steps"
  // come from the list's data-steps-one / data-steps-many (the catalogue's, with 1 and 999).
  function steps(n) {
    var kept = Array.isArray(n.steps) ? n.steps : [];
    if (kept.length < 2 || !list) return null;
    var count = typeof n.count === "number" ? n.count : kept.length;
    var pattern = count === 1 ? list.getAttribute("data-steps-one") : list.getAttribute("data-steps-many");
    var details = document.createElement("details");
    details.className = "notification-steps";
    var summary = document.createElement("summary");
    summary.textContent = pattern ? pattern.replace(count === 1 ? "1" : "999", String(count)) : String(count);
    details.appendChild(summary);
    var ol = document.createElement("ol");
    for (var i = kept.length - 1; i >= 0; i--) {
      var li = document.createElement("li");
      li.className = "notification-step";
      var span = document.createElement("span");
      span.textContent = kept[i].text || "";
      li.appendChild(span);
      if (kept[i].at) {
        var t = document.createElement("time");
        t.setAttribute("datetime", kept[i].at);
        t.textContent = window.Courtyard && window.Courtyard.when ? window.Courtyard.when(kept[i].at) : "";
        li.appendChild(document.createTextNode(" "));
        li.appendChild(t);
      }
      ol.appendChild(li);
    }
    details.appendChild(ol);
    return details;
  }

  function showInList(n) {
    if (!list) return;
    var old = list.querySelector('[data-notification-id="' + String(Number(n.id)) + '"]');
    if (old) old.parentNode.removeChild(old);
    list.insertBefore(entry(n), list.firstChild);
    var none = document.getElementById("notification-empty");
    if (none) none.hidden = true;
  }

  function onCreated(n) {
    if (!n || typeof n.id !== "number") return;
    if (badge) badge.hidden = false;
    refreshCount();
    showInList(n);
  }

  function listen() {
    var rt = window.Courtyard && window.Courtyard.realtime;
    if (!rt || typeof rt.on !== "function") return;
    rt.on("notification.created", onCreated);
    // data-live says whether the badge is being kept up to date (tests wait on it).
    rt.on("connection", function (c) { if (badge) badge.setAttribute("data-live", c && c.connected ? "true" : "false"); });
    if (badge && rt.connected && rt.connected()) badge.setAttribute("data-live", "true");
  }

  function load(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  // Pages with a live room load realtime.js themselves (before this script); on the others
  // it is loaded here, so that the badge is live on every page over the same one socket.
  var me = document.currentScript;
  if (window.Courtyard && window.Courtyard.realtime) {
    listen();
  } else if (me && me.getAttribute("data-realtime")) {
    var io = typeof window.io === "function" ? Promise.resolve() : load(me.getAttribute("data-socketio"));
    io.then(function () { return load(me.getAttribute("data-realtime")); })
      .then(listen)
      .catch(function () { /* no live badge; the count shown is the page's */ });
  }
})();
