/* A courtyard's home follows what happens in it while it is open (the server renders the first
   state; this only keeps it current):
   - topic.updated redraws the card's status and message count;
   - topic.created shows a "N new topics: show them" button that reloads the list (a new card
     needs the server's rendering: badges, tasks, filters, paging);
   - notice.updated pins a notice posted to this courtyard (static/js/notice.js redraws the ones
     already shown).
   Text from people is set with textContent. */
(function () {
  "use strict";

  var topics = document.getElementById("topics");
  var pinned = document.getElementById("pinned-notices");
  var courtyardId = Number((topics || pinned || document.body).getAttribute("data-courtyard-id"));
  var fresh = {};

  function label(holder, name, n) {
    return (holder.getAttribute(name) || "").replace("{n}", String(n));
  }

  function onUpdated(t) {
    if (!topics || !t || Number(t.courtyard_id) !== courtyardId) return;
    var card = topics.querySelector('[data-topic-id="' + Number(t.id) + '"]');
    if (!card) return;
    var status = card.querySelector('[data-role="status"]');
    if (status && t.status) {
      status.className = "badge status-" + t.status;
      status.textContent = topics.getAttribute("data-status-" + t.status) || t.status;
    }
    var messages = card.querySelector('[data-role="messages"]');
    if (messages && typeof t.message_count === "number") {
      messages.textContent = label(topics, t.message_count === 1 ? "data-messages-one" : "data-messages-many",
                                   t.message_count);
    }
  }

  function onCreated(t) {
    if (!topics || !t || Number(t.courtyard_id) !== courtyardId) return;
    if (topics.querySelector('[data-topic-id="' + Number(t.id) + '"]')) return;
    fresh[t.id] = true;
    var n = Object.keys(fresh).length;
    var button = document.querySelector("#topics-new button");
    if (!button) return;
    button.textContent = label(topics, n === 1 ? "data-new-one" : "data-new-many", n);
    button.hidden = false;
  }

  function card(notice) {
    var article = document.createElement("article");
    article.className = "card notice-card notice-" + notice.status;
    article.id = "notice-" + Number(notice.id);
    article.setAttribute("data-notice-id", String(Number(notice.id)));
    ["status-active", "status-resolved", "step-posted", "step-update", "step-resolved"].forEach(function (a) {
      article.setAttribute("data-" + a, pinned.getAttribute("data-" + a) || "");
    });
    var kicker = document.createElement("p");
    kicker.className = "card-kicker";
    var kind = document.createElement("span");
    kind.className = "notice-kind notice-kind-" + notice.kind;
    kind.textContent = pinned.getAttribute("data-kind-" + notice.kind) || notice.kind;
    var status = document.createElement("span");
    status.className = "notice-status";
    status.setAttribute("data-role", "status");
    status.textContent = pinned.getAttribute("data-status-" + notice.status) || notice.status;
    kicker.appendChild(kind);
    kicker.appendChild(document.createTextNode(" · "));
    kicker.appendChild(status);
    var title = document.createElement("h3");
    title.className = "card-title";
    var link = document.createElement("a");
    link.href = (pinned.getAttribute("data-notice-url") || "/notices/0").replace(/0$/, String(Number(notice.id)));
    link.textContent = notice.title;
    title.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "card-meta";
    var when = window.Courtyard && window.Courtyard.when ? window.Courtyard.when(notice.started_at) : notice.started_at;
    meta.textContent = (pinned.getAttribute("data-since") || "{when}").replace("{when}", when);
    article.appendChild(kicker);
    article.appendChild(title);
    article.appendChild(meta);
    return article;
  }

  function onNotice(notice) {
    if (!pinned || !notice || notice.status !== "active") return;
    if ((notice.courtyard_ids || []).map(Number).indexOf(courtyardId) < 0) return;
    if (pinned.querySelector('[data-notice-id="' + Number(notice.id) + '"]')) return;
    var heading = pinned.querySelector("h2");
    pinned.insertBefore(card(notice), heading ? heading.nextSibling : pinned.firstChild);
    pinned.hidden = false;
  }

  function start() {
    var button = document.querySelector("#topics-new button");
    if (button) button.addEventListener("click", function () { window.location.reload(); });
    if (!window.Courtyard || !window.Courtyard.realtime) return;
    var rt = window.Courtyard.realtime;
    rt.on("topic.updated", onUpdated);
    rt.on("topic.created", onCreated);
    rt.on("notice.updated", onNotice);
    rt.on("connection", function (state) {
      document.body.setAttribute("data-live", state.connected ? "true" : "false");
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
