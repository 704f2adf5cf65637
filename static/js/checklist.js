/* A notice's door-to-door checklist (敲门) while several people knock at once: `visit.recorded`
   (sent to each person who sees the flat on the checklist) marks the flat as visited, with how
   they are, who went and the note, and recounts the figures at the top. A form someone is
   filling in is left alone. Text from people is set with textContent. */
(function () {
  "use strict";

  var list = document.getElementById("checklist");
  if (!list) return;
  var noticeId = Number(list.getAttribute("data-notice-id"));

  function when(iso) {
    return window.Courtyard && window.Courtyard.when ? window.Courtyard.when(iso) : iso;
  }

  function recount() {
    var stats = document.querySelectorAll("#checklist-stats .stat-number");
    if (stats.length < 3) return;
    stats[1].textContent = String(list.querySelectorAll(".checklist-visited").length);
    stats[2].textContent = String(list.querySelectorAll(".checklist-needs_help").length);
  }

  function onVisit(v) {
    if (!v || Number(v.notice_id) !== noticeId || !v.unit) return;
    var item = document.getElementById("unit-" + Number(v.unit.id));
    if (!item) return;
    item.classList.remove("checklist-ok", "checklist-needs_help");
    item.classList.add("checklist-visited", "checklist-" + v.outcome);
    var badge = item.querySelector('[data-role="visited"]');
    if (badge) {
      badge.className = "badge badge-" + v.outcome;
      badge.textContent = "✓ " + (list.getAttribute("data-outcome-" + v.outcome) || v.outcome);
      badge.hidden = false;
    }
    var meta = item.querySelector('[data-role="visit-meta"]');
    if (meta) {
      meta.textContent = (list.getAttribute("data-visited-by") || "")
        .replace("{when}", when(v.visited_at)).replace("{name}", v.visited_by && v.visited_by.display_name || "");
      meta.hidden = false;
    }
    var note = item.querySelector('[data-role="visit-note"]');
    if (note) {
      note.textContent = v.note || "";
      note.hidden = !v.note;
    }
    var form = item.querySelector("form");
    if (form && !form.contains(document.activeElement)) {
      var choice = form.querySelector('input[name="outcome"][value="' + v.outcome + '"]');
      if (choice) choice.checked = true;
      var input = form.querySelector('input[name="note"]');
      if (input) input.value = v.note || "";
      var button = form.querySelector("button[type=submit]");
      if (button) button.textContent = list.getAttribute("data-update-label") || button.textContent;
    }
    recount();
  }

  function start() {
    if (!window.Courtyard || !window.Courtyard.realtime) return;
    window.Courtyard.realtime.on("visit.recorded", onVisit);
    window.Courtyard.realtime.on("connection", function (state) {
      list.setAttribute("data-live", state.connected ? "true" : "false");
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
