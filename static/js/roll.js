/* Live roll lists, on top of the server-rendered page: "who took part" on a ballot's page
   (templates/voting/_turnout.html) and the not-yet-voted list (templates/voting/_roll_list.html).
   Each [data-live-roll] names its ballot (data-proposal-id) and where the server renders it
   alone (data-src). On `vote.tallied` or `proposal.decided` of that ballot, and after a
   reconnect, the list is fetched again — at most once per PAUSE while votes pour in — and put
   in place of the old one: the not-yet-voted list shrinks as people vote. The server renders
   every name (escaped by Jinja); nothing here builds markup from what users wrote. */
(function () {
  "use strict";

  var PAUSE = 700;  // ms: a burst of tallies makes one fetch

  function lists(proposalId) {
    return document.querySelectorAll('[data-live-roll][data-proposal-id="' + Number(proposalId) + '"]');
  }

  var timers = {};
  var busy = {};

  function refetch(proposalId) {
    var id = Number(proposalId);
    if (timers[id]) return;  // one fetch is already planned: it will see this change too
    timers[id] = window.setTimeout(function () {
      timers[id] = null;
      if (busy[id]) { refetch(id); return; }
      busy[id] = true;
      var pending = [];
      lists(id).forEach(function (el) { pending.push(replace(el)); });
      Promise.all(pending).then(function () { busy[id] = false; });
    }, PAUSE);
  }

  function replace(el) {
    var src = el.getAttribute("data-src");
    if (!src || !window.fetch) return Promise.resolve();
    return fetch(src, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("[data-live-roll]");
        if (!fresh || !el.parentNode) return;
        var adopted = document.importNode(fresh, true);
        el.parentNode.replaceChild(adopted, el);
        document.dispatchEvent(new CustomEvent("courtyard:roll-updated", { detail: { proposalId: adopted.getAttribute("data-proposal-id") } }));
      })
      .catch(function () { /* the next tally or reconnect asks again */ });
  }

  function start() {
    var all = document.querySelectorAll("[data-live-roll]");
    if (!all.length) return;
    var rt = window.Courtyard && window.Courtyard.realtime;
    if (!rt || !rt.available()) return;
    rt.on("vote.tallied", function (tally) { if (tally && tally.proposal_id) refetch(tally.proposal_id); });
    rt.on("proposal.decided", function (proposal) { if (proposal && proposal.id) refetch(proposal.id); });
    var seenConnected = false;
    rt.on("connection", function (state) {
      if (!state || !state.connected) return;
      if (seenConnected) all.forEach(function (el) { refetch(el.getAttribute("data-proposal-id")); });
      seenConnected = true;
    });
    // The not-yet-voted page joins the ballot's topic room itself (a ballot's page does in ballot.js).
    var page = document.getElementById("roll-page");
    if (page) {
      rt.joinTopic(Number(page.getAttribute("data-topic-id")), Number(page.getAttribute("data-last-message-id")) || 0)
        .then(function (ack) { if (ack && ack.ok) page.setAttribute("data-joined", "true"); });
    }
  }

  var started = false;
  function once() { if (!started) { started = true; start(); } }
  if (document.readyState === "complete") once();
  else {
    document.addEventListener("DOMContentLoaded", once);
    window.addEventListener("load", once);
  }
})();
