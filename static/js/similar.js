/* Similar open topics while a resident types a new topic's title (issue 12: 我也遇到 instead of a
   duplicate). On an input with data-similar-url (GET /api/v1/courtyards/<id>/topics/similar),
   once the title has 2 characters or more and typing pauses, the topics found fill the
   [data-similar-list] container: a link to each, and a “Me too” button that POSTs
   /api/v1/topics/<id>/support. Without JavaScript the form works as before.
   Strings come from the container's data-* attributes; user text is set with textContent only. */
(function () {
  "use strict";

  var input = document.querySelector("input[data-similar-url]");
  var box = document.querySelector("[data-similar-list]");
  if (!input || !box || !window.fetch) return;

  var url = input.getAttribute("data-similar-url");
  var list = box.querySelector("ul") || box.appendChild(document.createElement("ul"));
  var WAIT = 300;
  var MIN = 2;
  var timer = null;
  var asked = 0;   // the newest request's number: older answers are dropped
  var last = "";

  function t(name, fallback) {
    return box.getAttribute("data-" + name) || fallback;
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function count(n) {
    return t("count", "{n} also have this").replace("{n}", String(n));
  }

  function hide() {
    box.hidden = true;
    list.textContent = "";
  }

  function supportButton(topic, meta) {
    var button = el("button", "button button-secondary similar-support", t("me-too", "Me too"));
    button.type = "button";
    button.setAttribute("data-topic-id", String(topic.id));
    button.addEventListener("click", function () {
      button.disabled = true;
      fetch("/api/v1/topics/" + encodeURIComponent(topic.id) + "/support", {
        method: "POST", credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
      }).then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, body: body }; });
      }).then(function (res) {
        if (!res.ok) throw new Error((res.body && res.body.error && res.body.error.message) || t("failed", "Failed"));
        var done = el("span", "similar-done", t("supported", "You have this too"));
        button.replaceWith(done);
        meta.textContent = count(res.body.support_count);
      }).catch(function (err) {
        button.disabled = false;
        meta.textContent = err.message || t("failed", "Failed");
      });
    });
    return button;
  }

  function show(items) {
    list.textContent = "";
    if (!items.length) { box.hidden = true; return; }
    items.forEach(function (topic) {
      var li = el("li", "similar-item");
      var link = el("a", null, topic.title);
      link.href = "/topics/" + encodeURIComponent(topic.id);
      li.appendChild(link);
      var meta = el("span", "similar-meta", count(topic.support_count));
      if (topic.supported) li.appendChild(el("span", "similar-done", t("supported", "You have this too")));
      else if (topic.can_support) li.appendChild(supportButton(topic, meta));
      li.appendChild(meta);
      list.appendChild(li);
    });
    box.hidden = false;
  }

  function ask() {
    var title = input.value.trim();
    if (title === last) return;
    last = title;
    if (title.length < MIN) { asked++; hide(); return; }
    var mine = ++asked;
    fetch(url + "?title=" + encodeURIComponent(title), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (r) {
      return r.ok ? r.json() : { items: [] };
    }).then(function (body) {
      if (mine === asked) show(body.items || []);
    }).catch(function () {
      if (mine === asked) hide();
    });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, WAIT);
  });
  if (input.value.trim().length >= MIN) ask();  // a form shown again with its title
})();
