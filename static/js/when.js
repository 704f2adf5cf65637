/* The one way a time is written, for times rendered live: the same as the server's `when` filter
   (courtyard/timefmt.py): 刚刚, 5分钟前 in the last hour, 今天 15:05 for the rest of the day,
   12月1日 15:05 this year, 2025年12月1日 15:05 before it (English: just now, 5 minutes ago,
   today 15:05, 1 Dec 15:05, 1 Dec 2025 15:05), in the street's time zone (Beijing, UTC+8, no
   daylight saving). The page's language is <html lang>; the two words that are not in Intl come
   from this script tag's data-today / data-just-now (the catalogue's). Courtyard.when(iso[, now]). */
(function () {
  "use strict";

  var script = document.currentScript;
  var ZONE_OFFSET = 8 * 3600 * 1000;  // Asia/Shanghai
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function word(name, fallback) {
    var v = script && script.getAttribute("data-" + name);
    return v || fallback;
  }

  function chinese() {
    return (document.documentElement.getAttribute("lang") || "zh").toLowerCase().indexOf("zh") === 0;
  }

  // The wall-clock fields in Beijing, read off a shifted UTC date.
  function local(ms) {
    var d = new Date(ms + ZONE_OFFSET);
    return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), min: d.getUTCMinutes() };
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function minutesAgo(n, zh) {
    try {
      return new Intl.RelativeTimeFormat(zh ? "zh-CN" : "en", { numeric: "always" }).format(-n, "minute");
    } catch (e) {
      return zh ? n + "分钟前" : n + (n === 1 ? " minute ago" : " minutes ago");
    }
  }

  function when(iso, now) {
    var ms = typeof iso === "number" ? iso : Date.parse(iso);
    if (isNaN(ms)) return "";
    var nowMs = now === undefined ? Date.now() : (typeof now === "number" ? now : Date.parse(now));
    var zh = chinese();
    var ago = nowMs - ms;
    if (ago > -60000 && ago < 60000) return word("just-now", zh ? "刚刚" : "just now");
    if (ago >= 60000 && ago < 3600000) return minutesAgo(Math.floor(ago / 60000), zh);
    var t = local(ms), n = local(nowMs);
    var time = pad(t.h) + ":" + pad(t.min);
    if (t.y === n.y && t.m === n.m && t.d === n.d) {
      return word("today", zh ? "今天 %(time)s" : "today %(time)s").replace("%(time)s", time);
    }
    var day = zh ? t.m + "月" + t.d + "日" : t.d + " " + MONTHS[t.m - 1];
    if (t.y !== n.y) day = zh ? t.y + "年" + day : day + " " + t.y;
    return day + " " + time;
  }

  window.Courtyard = window.Courtyard || {};
  window.Courtyard.when = when;

  // "5分钟前" and "今天" go stale on a page left open: once a minute, every <time datetime> that
  // reads as this format wrote it (by the server or by a page's script) is written again. Other
  // times (countdowns, dates in sentences) read differently and are left alone.
  var written = typeof WeakMap === "function" ? new WeakMap() : null;
  function refresh() {
    if (!written || !document.querySelectorAll) return;
    var now = Date.now();
    Array.prototype.forEach.call(document.querySelectorAll("time[datetime]"), function (el) {
      var iso = el.getAttribute("datetime"), text = (el.textContent || "").trim();
      var mine = written.has(el) ? written.get(el) === text : text === when(iso, now - 60000) || text === when(iso, now);
      if (!mine) return;
      var fresh = when(iso, now);
      if (fresh && fresh !== text) el.textContent = fresh;
      written.set(el, fresh || text);
    });
  }
  if (typeof setInterval === "function" && document.addEventListener) {
    document.addEventListener("DOMContentLoaded", refresh);
    setInterval(refresh, 60000);
  }
})();
