/* A project's page, live: when `project.updated` for this project arrives with a higher seq,
   fetch the server-rendered live part (status, milestones, timeline) and swap it in. The server
   renders it, so what each person may do stays the server's decision; the page works without
   this file. After a reconnect the part is fetched afresh, in case an event was missed. */
(function () {
  "use strict";

  function seqOf(el) { return el ? Number(el.getAttribute("data-seq")) || 0 : 0; }

  function init() {
    var rt = window.Courtyard && window.Courtyard.realtime;
    var page = document.getElementById("project");
    if (!rt || !rt.available() || !page) return;
    var projectId = Number(page.getAttribute("data-project-id"));
    var url = page.getAttribute("data-live-url");
    var notice = document.getElementById("project-changed");

    function refresh() {
      return fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) return;
          var node = new DOMParser().parseFromString(html, "text/html").body.firstElementChild;
          var current = document.getElementById("project-live");
          if (!node || !current || seqOf(current) > seqOf(node)) return;
          var changed = node.getAttribute("data-status") !== current.getAttribute("data-status");
          current.replaceWith(node);
          if (changed && notice && document.getElementById("work")) notice.hidden = false;  // buttons may be stale
        })
        .catch(function () {});
    }

    rt.on("project.updated", function (project) {
      if (!project || project.id !== projectId) return;
      if (seqOf(document.getElementById("project-live")) >= project.seq) return;
      refresh();
    });
    var wasConnected = false;
    rt.on("connection", function (state) {
      page.setAttribute("data-live", state.connected ? "true" : "false");
      if (state.connected && wasConnected === "lost") refresh();
      wasConnected = state.connected ? true : (wasConnected ? "lost" : false);
    });
  }

  if (document.readyState === "complete") init();
  else document.addEventListener("DOMContentLoaded", init);
})();
