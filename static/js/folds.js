/* The topic page's panels behind buttons (templates/deliberation/topic.html .topic-tools): 管理, 表决
   and 任务 start closed on a phone so that the discussion comes first (on a wide screen, from 64rem,
   they start open: there is room beside and below); each button says whether its
   panel is open (aria-expanded). A link into a closed panel (#proposal-3 from a notification, #tasks,
   a form's answer) opens it and shows the thing. Without JavaScript the panels are all shown. */
(function () {
  "use strict";

  var tools = document.getElementById("topic-tools");
  if (!tools) return;
  var buttons = tools.querySelectorAll(".tool-button[aria-controls]");

  function set(button, open) {
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) return;
    panel.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  var wide = window.matchMedia && window.matchMedia("(min-width: 64rem)").matches;
  Array.prototype.forEach.call(buttons, function (button) {
    set(button, wide);
    button.hidden = false;
    button.addEventListener("click", function () {
      set(button, button.getAttribute("aria-expanded") !== "true");
    });
  });

  function reveal() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    var panel = target && target.closest(".fold-panel");
    if (!panel || !panel.hidden) return;
    var button = tools.querySelector('.tool-button[aria-controls="' + panel.id + '"]');
    if (button) set(button, true);
    target.scrollIntoView({ block: "start" });
  }

  reveal();
  window.addEventListener("hashchange", reveal);
})();
