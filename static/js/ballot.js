/* Ballot cards (templates/voting/_card.html), live, on top of the server-rendered page:
   - the tally and the quorum meter follow `vote.tallied` and `proposal.decided` (the newest
     tally wins: each carries `seq`);
   - the countdown to the deadline ticks, and the buttons stop when it is reached;
   - voting happens without a page load (the same JSON route the API offers); your own
     choice is highlighted at once. Without JavaScript the plain forms do all of this.
   The print button of the decision record. Words come from #ballot-strings data-*. */
(function () {
  "use strict";

  var CHOICES = ["yes", "no", "abstain"];

  function t(name, fallback) {
    var el = document.getElementById("ballot-strings");
    var v = el && el.getAttribute("data-" + name);
    return v || fallback || "";
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined ? "" : values[k]; });
  }

  function area(x) { return Number(x || 0).toFixed(2); }

  function cards(proposalId) {
    return document.querySelectorAll('.ballot-card[data-proposal-id="' + Number(proposalId) + '"]');
  }

  function setText(root, selector, text) {
    var el = root.querySelector(selector);
    if (el) el.textContent = text;
  }

  // --- the tally and the quorum meter ---------------------------------------------------------

  function placeMark(meter, target, of) {
    var wrap = meter.parentNode;
    if (!wrap.classList.contains("meter-wrap")) {
      wrap = document.createElement("div");
      wrap.className = "meter-wrap";
      meter.parentNode.insertBefore(wrap, meter);
      wrap.appendChild(meter);
    }
    var mark = wrap.querySelector(".meter-mark");
    if (!of || !target) { if (mark) mark.parentNode.removeChild(mark); return; }
    if (!mark) {
      mark = document.createElement("span");
      mark.className = "meter-mark";
      mark.setAttribute("aria-hidden", "true");
      wrap.appendChild(mark);
    }
    mark.style.left = Math.min(100, 100 * target / of) + "%";
  }

  function showTally(card, tally) {
    var seq = Number(card.getAttribute("data-seq")) || 0;
    if (typeof tally.seq === "number" && tally.seq < seq) return;  // an older count overtaken on the way
    card.setAttribute("data-seq", String(tally.seq || seq));
    var voted = tally.participation ? tally.participation.people : 0;
    setText(card, '[data-field="voted"]', String(voted));
    if (tally.eligible && tally.participation) {
      // who is left: people under the majority rule, households (flats) under the others
      var byUnit = tally.rule && tally.rule !== "majority";
      var left = byUnit ? tally.eligible.households - tally.participation.households
                        : tally.eligible.people - tally.participation.people;
      setText(card, '[data-field="not-voted"]', String(Math.max(0, left)));
    }
    // A secret ballot hiding its totals: turnout only until the close (counts null), then everything.
    var hidden = !tally.counts;
    card.toggleAttribute("data-totals-hidden", hidden);
    card.querySelectorAll(".tally-row").forEach(function (row) { row.hidden = hidden; });
    var note = card.querySelector('[data-field="totals-hidden"]');
    if (note) note.hidden = !hidden;
    if (!hidden) CHOICES.forEach(function (c) {
      setText(card, '[data-count="' + c + '"]', String(tally.counts[c]));
      if (tally.area_m2) setText(card, '[data-area="' + c + '"]', area(tally.area_m2[c]));
      var bar = card.querySelector('[data-bar="' + c + '"]');
      if (bar) { bar.max = Math.max(1, voted); bar.value = tally.counts[c]; bar.textContent = String(tally.counts[c]); }
    });
    (tally.thresholds || []).forEach(function (th) {
      if (th.kind === "participation") {
        var row = card.querySelector('[data-threshold="' + th.measure + '"]');
        if (!row) return;
        var isArea = th.measure === "area";
        setText(row, "[data-have]", isArea ? area(th.have) : String(th.have));
        setText(row, "[data-of]", isArea ? area(th.of) : String(th.of));
        var meter = row.querySelector("[data-meter]");
        if (meter) {
          meter.max = th.of || 1;
          meter.optimum = th.of || 1;
          meter.low = th.target;
          meter.high = th.target;
          meter.value = th.have;
          placeMark(meter, th.target, th.of);
        }
        row.classList.toggle("is-met", !!th.met);
        var shortText = th.met ? t("reached") :
          fill(isArea ? t("area-to-go") : t("to-go"), { n: isArea ? area(th.short) : th.short });
        setText(row, "[data-short]", shortText);
      } else {
        var li = card.querySelector('[data-approval="' + th.measure + '"]');
        if (!li) return;
        li.classList.toggle("is-met", !!th.met);
        setText(li, "[data-approval-state]", th.met ? t("met") : t("not-met"));
      }
    });
    var outlook = card.querySelector('[data-field="outlook"]');
    if (outlook && tally.status === "voting") {
      outlook.hidden = tally.passing === null || tally.passing === undefined;
      outlook.textContent = outlook.hidden ? "" : (tally.passing ? t("passing") : t("failing"));
    }
  }

  function showMine(card, choice) {
    card.setAttribute("data-my-choice", choice || "");
    card.querySelectorAll(".vote-button").forEach(function (b) {
      var mine = b.value === choice;
      b.classList.toggle("is-mine", mine);
      b.setAttribute("aria-pressed", mine ? "true" : "false");
      var mark = b.querySelector(".vote-mark");
      if (mark) mark.textContent = mine ? "✓" : "";
    });
    if (choice) {
      setText(card, '[data-field="my-vote"]',
              fill(t("voted"), { choice: t(choice, choice) }) + " " + t("changed"));
    }
  }

  function stopVoting(card, message) {
    card.querySelectorAll(".vote-button").forEach(function (b) { b.disabled = true; });
    var form = card.querySelector("[data-vote-form]");
    if (form) form.hidden = true;
    var left = card.querySelector("[data-countdown-left]");
    if (left) left.textContent = message;
  }

  function decided(proposal) {
    cards(proposal.id).forEach(function (card) {
      card.setAttribute("data-status", proposal.status);
      card.classList.remove("ballot-voting");
      card.classList.add("ballot-" + proposal.status);
      var badge = card.querySelector('[data-field="status"]');
      if (badge) {
        badge.textContent = t(proposal.status, proposal.status);
        badge.className = "badge proposal-status status-" + proposal.status;
      }
      stopVoting(card, t("closed"));
      var badgeHidden = card.querySelector('[data-field="totals-hidden-badge"]');
      if (badgeHidden) badgeHidden.hidden = true;
      var left = card.querySelector('[data-testid="ballot-not-voted"]');
      if (left) left.hidden = true;
      if (proposal.tally) showTally(card, proposal.tally);
      var outlook = card.querySelector('[data-field="outlook"]');
      if (outlook) {
        outlook.hidden = false;
        outlook.textContent = t(proposal.status, proposal.status);
        outlook.classList.add("result-" + proposal.status);
      }
    });
  }

  // --- the countdown ------------------------------------------------------------------------

  function tick() {
    var now = Date.now();
    document.querySelectorAll('.ballot-card[data-status="voting"][data-closes-at]').forEach(function (card) {
      var left = Math.floor((Date.parse(card.getAttribute("data-closes-at")) - now) / 1000);
      var out = card.querySelector("[data-countdown-left]");
      if (!out) return;
      if (!(left > 0)) { stopVoting(card, t("closed")); return; }
      var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600),
          m = Math.floor(left % 3600 / 60), s = left % 60;
      out.textContent = d > 0 ? fill(t("days"), { d: d, h: h }) :
        h > 0 ? fill(t("hours"), { h: h, m: m }) : fill(t("minutes"), { m: m, s: s });
    });
  }

  // --- voting without a page load -------------------------------------------------------------

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function vote(form, button) {
    var card = form.closest(".ballot-card");
    var id = card.getAttribute("data-proposal-id");
    var buttons = form.querySelectorAll(".vote-button");
    var status = card.querySelector('[data-field="my-vote"]');
    buttons.forEach(function (b) { b.disabled = true; });
    if (status) status.textContent = t("sending");
    return fetch("/api/v1/proposals/" + encodeURIComponent(id) + "/votes", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ choice: button.value })
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      if (!res.ok) throw new Error((res.body && res.body.error && res.body.error.message) || t("failed"));
      showMine(card, res.body.choice);
      if (res.body.tally) cards(id).forEach(function (c) { showTally(c, res.body.tally); });
    }).catch(function (err) {
      if (status) status.textContent = (err && err.message) || t("failed");
    }).then(function () {
      if (card.getAttribute("data-status") === "voting") buttons.forEach(function (b) { b.disabled = false; });
    });
  }

  function start() {
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    var all = document.querySelectorAll(".ballot-card[data-proposal-id]");
    if (!all.length) return;

    document.querySelectorAll("[data-vote-form]").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        var button = e.submitter;
        if (!button || !window.fetch || !window.Promise) return;  // the plain form does it
        e.preventDefault();
        vote(form, button);
      });
    });
    document.querySelectorAll(".quorum-row [data-meter]").forEach(function (meter) {
      placeMark(meter, Number(meter.getAttribute("low")), Number(meter.getAttribute("max")));
    });
    tick();
    window.setInterval(tick, 1000);

    var rt = window.Courtyard && window.Courtyard.realtime;
    if (!rt || !rt.available()) return;
    rt.on("vote.tallied", function (tally) {
      if (tally && tally.proposal_id) cards(tally.proposal_id).forEach(function (c) { showTally(c, tally); });
    });
    rt.on("proposal.decided", function (proposal) { if (proposal && proposal.id) decided(proposal); });
    // After a reconnect, what was missed meanwhile: ask for each open ballot's tally.
    var seenConnected = false;
    rt.on("connection", function (state) {
      if (!state || !state.connected) return;
      if (seenConnected) refresh();
      seenConnected = true;
    });
    // On a topic page topic.js joins the topic's room; a ballot's own page joins it here.
    var page = document.getElementById("ballot-page");
    if (page && !document.getElementById("discussion")) {
      rt.joinTopic(Number(page.getAttribute("data-topic-id")), Number(page.getAttribute("data-last-message-id")) || 0)
        .then(function (ack) { if (ack && ack.ok) page.setAttribute("data-joined", "true"); });
    }
  }

  function refresh() {
    document.querySelectorAll('.ballot-card[data-status="voting"]').forEach(function (card) {
      var id = card.getAttribute("data-proposal-id");
      fetch("/api/v1/proposals/" + encodeURIComponent(id) + "/tally",
            { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (tally) {
          if (!tally) return;
          if (tally.status === "adopted" || tally.status === "rejected") decided({ id: Number(id), status: tally.status, tally: tally });
          else showTally(card, tally);
        })
        .catch(function () { /* the next reconnect asks again */ });
    });
  }

  // Scripts load deferred, the page's realtime.js after this one: start once all of them have
  // run, i.e. at DOMContentLoaded (deferred scripts run while readyState is "interactive").
  var started = false;
  function once() { if (!started) { started = true; start(); } }
  if (document.readyState === "complete") once();
  else {
    document.addEventListener("DOMContentLoaded", once);
    window.addEventListener("load", once);
  }
})();
