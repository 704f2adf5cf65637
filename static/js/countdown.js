/* The countdown of each open ballot on a courtyard's page (templates/places/_open_ballots.html):
   <time class="countdown" datetime="…"> says how long is left, updated every minute. Its words
   come from the element's data-days / data-hours / data-minutes / data-past (the catalogue's,
   with {d} {h} {m} for the numbers); the arithmetic is web/participation.time_left_parts':
   minutes rounded up, then days, hours and minutes. */
(function () {
  "use strict";

  function parts(closes, now) {
    var seconds = (closes - now) / 1000;
    if (!(seconds > 0)) return null;
    var minutes = Math.ceil(seconds / 60);
    return { d: Math.floor(minutes / 1440), h: Math.floor((minutes % 1440) / 60), m: minutes % 60 };
  }

  function words(el, p) {
    if (!p) return el.getAttribute("data-past") || "";
    var pattern = p.d ? el.getAttribute("data-days") : p.h ? el.getAttribute("data-hours")
      : el.getAttribute("data-minutes");
    return (pattern || "").replace("{d}", String(p.d)).replace("{h}", String(p.h)).replace("{m}", String(p.m));
  }

  function tick() {
    var now = Date.now();
    var all = document.querySelectorAll("time.countdown[datetime]");
    for (var i = 0; i < all.length; i++) {
      var closes = Date.parse(all[i].getAttribute("datetime"));
      if (!isNaN(closes)) all[i].textContent = words(all[i], parts(closes, now));
    }
  }

  window.Courtyard = window.Courtyard || {};
  window.Courtyard.countdown = { parts: parts, tick: tick };
  tick();
  window.setInterval(tick, 60 * 1000);
})();
