// Dashboard pages: the scope picker submits itself, and a tap (or focus) on a month's bar
// reads its numbers out under the chart. The pages work without this file.
(function () {
  "use strict";

  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  document.querySelectorAll(".chart").forEach(function (chart) {
    var readout = chart.querySelector(".chart-readout");
    if (!readout) return;
    var lastYearLabel = document.documentElement.lang === "en" ? "a year earlier" : "去年同月";
    function show(bar) {
      chart.querySelectorAll(".chart-bar.is-selected").forEach(function (b) { b.classList.remove("is-selected"); });
      bar.classList.add("is-selected");
      var text = bar.dataset.month + ": " + bar.dataset.value;
      if (bar.dataset.lastYear !== undefined) text += " (" + lastYearLabel + " " + bar.dataset.lastYear + ")";
      readout.textContent = text;
    }
    chart.querySelectorAll(".chart-bar").forEach(function (bar) {
      bar.addEventListener("click", function () { show(bar); });
      bar.addEventListener("focus", function () { show(bar); });
    });
  });
})();
