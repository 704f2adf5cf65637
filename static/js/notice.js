/* A notice's page, a courtyard's pinned notices and the 公示栏: `notice.updated` redraws the
   notice's status and timeline where it is shown (the server renders the first state; this only
   keeps it current). Text from people is set with textContent. */
(function () {
  "use strict";

  function when(iso) {
    return window.Courtyard && window.Courtyard.when ? window.Courtyard.when(iso) : iso;
  }

  function step(holder, u) {
    var li = document.createElement("li");
    li.className = "notice-step notice-step-" + u.kind;
    var head = document.createElement("p");
    head.className = "notice-step-head";
    var kind = document.createElement("span");
    kind.className = "notice-step-kind";
    kind.textContent = holder.getAttribute("data-step-" + u.kind) || u.kind;
    var time = document.createElement("time");
    time.setAttribute("datetime", u.at);
    time.textContent = when(u.at);
    head.appendChild(kind);
    head.appendChild(document.createTextNode(" · "));
    head.appendChild(time);
    head.appendChild(document.createTextNode(" · " + (u.author && u.author.display_name || "")));
    li.appendChild(head);
    if (u.text) {
      var text = document.createElement("p");
      text.className = "notice-step-text";
      text.textContent = u.text;
      li.appendChild(text);
    }
    return li;
  }

  function redraw(notice) {
    var holders = document.querySelectorAll('[data-notice-id="' + Number(notice.id) + '"]');
    Array.prototype.forEach.call(holders, function (holder) {
      holder.classList.remove("notice-active", "notice-resolved");
      holder.classList.add("notice-" + notice.status);
      var status = holder.querySelector('[data-role="status"]');
      if (status) status.textContent = holder.getAttribute("data-status-" + notice.status) || notice.status;
      var list = holder.querySelector("[data-notice-timeline]");
      if (!list) return;
      while (list.firstChild) list.removeChild(list.firstChild);
      (notice.updates || []).forEach(function (u) { list.appendChild(step(holder, u)); });
    });
    var page = document.getElementById("notice");
    if (page && Number(page.getAttribute("data-notice-id")) === Number(notice.id)) {
      page.setAttribute("data-updates", String((notice.updates || []).length));
      if (notice.status === "resolved") {
        ["update-form", "resolve-form"].forEach(function (id) {
          var form = document.getElementById(id);
          if (form) form.hidden = true;
        });
      }
    }
  }

  function start() {
    if (!window.Courtyard || !window.Courtyard.realtime) return;
    window.Courtyard.realtime.on("notice.updated", redraw);
    window.Courtyard.realtime.on("connection", function (state) {
      var page = document.getElementById("notice");
      if (page) page.setAttribute("data-live", state.connected ? "true" : "false");
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
