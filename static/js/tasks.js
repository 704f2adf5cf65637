/* Tasks, live: when `task.updated` arrives, swap in the server-rendered card (topic page) or the
   status-and-timeline block (task page). The server renders them, so what each person may do
   (accept, rate) stays decided by the server; the page works without this file.

   A card carries data-seq (the task's change counter): an event older than what is shown is
   ignored, so out-of-order or repeated events never show an older state. After a reconnect
   every card is fetched afresh, in case an event was missed while offline. */
(function () {
  "use strict";

  function seqOf(el) { return el ? Number(el.getAttribute("data-seq")) || 0 : 0; }

  function fetchNode(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return null;
        return new DOMParser().parseFromString(html, "text/html").body.firstElementChild;
      })
      .catch(function () { return null; });
  }

  function topicPage(rt, section) {
    var list = document.getElementById("task-list");
    var topicId = Number(section.getAttribute("data-topic-id"));
    var cardUrl = section.getAttribute("data-card-url");

    function refresh(taskId) {
      return fetchNode(cardUrl.replace("/0/", "/" + taskId + "/")).then(function (node) {
        if (!node) return;
        var current = document.getElementById("task-" + taskId);
        if (current) {
          if (seqOf(current) > seqOf(node)) return;  // a newer one got here first
          current.replaceWith(node);
        } else {
          list.appendChild(node);
        }
        section.hidden = false;
        var none = document.getElementById("no-tasks");
        if (none) none.hidden = true;
      });
    }

    rt.on("task.updated", function (task) {
      if (!task || task.topic_id !== topicId) return;
      var current = document.getElementById("task-" + task.id);
      if (current && seqOf(current) >= task.seq) return;
      refresh(task.id);
    });
    return function refreshAll() {
      Array.prototype.forEach.call(list.querySelectorAll("[data-task-id]"), function (card) {
        refresh(card.getAttribute("data-task-id"));
      });
    };
  }

  function taskPage(rt, page) {
    var taskId = Number(page.getAttribute("data-task-id"));
    var url = page.getAttribute("data-live-url");
    var notice = document.getElementById("task-changed");

    function refresh() {
      return fetchNode(url).then(function (node) {
        var current = document.getElementById("task-live");
        if (!node || !current || seqOf(current) > seqOf(node)) return;
        var changed = node.getAttribute("data-status") !== current.getAttribute("data-status");
        current.replaceWith(node);
        if (changed && notice) notice.hidden = false;  // the buttons below may no longer apply
      });
    }

    rt.on("task.updated", function (task) {
      if (!task || task.id !== taskId) return;
      if (seqOf(document.getElementById("task-live")) >= task.seq) return;
      refresh();
    });
    if (page.getAttribute("data-join-topic") === "true") {
      // The topic's room carries task.updated; no messages are wanted here (after = past every id).
      rt.joinTopic(page.getAttribute("data-topic-id"), 2147483647);
    }
    return refresh;
  }

  function init() {
    var rt = window.Courtyard && window.Courtyard.realtime;
    if (!rt || !rt.available()) return;
    var section = document.getElementById("tasks");
    var page = document.getElementById("task");
    var refreshAll = page ? taskPage(rt, page) : section ? topicPage(rt, section) : null;
    if (!refreshAll) return;
    var wasConnected = false;
    rt.on("connection", function (state) {
      if (state.connected && wasConnected === "lost") refreshAll();
      wasConnected = state.connected ? true : (wasConnected ? "lost" : false);
    });
  }

  // Deferred like realtime.js but perhaps placed before it: start once every deferred script has run.
  if (document.readyState === "complete") init();
  else document.addEventListener("DOMContentLoaded", init);
})();
