/* The top bar's 菜单 (templates/base.html: <details id="topmenu">). Without JavaScript it opens and
   closes as any <details>; here Esc closes it (focus back on the button), and so does a tap outside. */
(function () {
  "use strict";
  var menu = document.getElementById("topmenu");
  if (!menu) return;
  var button = menu.querySelector("summary");

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      button.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
})();
