/* A district courtyard's pages (片区): the threads list and a thread with its posts. The server
   renders the first state; this joins the district's room and adds what arrives —
   `district.thread_created` and `district.thread_updated` on the list, `district.posted` on the
   thread (in id order, each once) — and sends the composer's post over the socket when it is
   connected (the plain form otherwise). Text from people is set with textContent. */
(function () {
  "use strict";

  function when(iso) {
    return window.Courtyard && window.Courtyard.when ? window.Courtyard.when(iso) : iso;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // --- the threads list ---------------------------------------------------------------------

  function threadCard(page, t) {
    var li = el("li", "card district-thread district-thread-" + t.status);
    li.id = "thread-" + t.id;
    li.setAttribute("data-thread-id", String(t.id));
    var kicker = el("p", "card-kicker");
    var status = el("span", "", page.getAttribute("data-status-" + t.status) || t.status);
    status.setAttribute("data-role", "status");
    kicker.appendChild(el("span", "badge", page.getAttribute("data-new") || ""));
    kicker.appendChild(document.createTextNode(" "));
    kicker.appendChild(status);
    var title = el("h3", "card-title");
    var link = el("a", "", t.title);
    link.href = "/districts/" + Number(t.district_id) + "/threads/" + Number(t.id);
    title.appendChild(link);
    var meta = el("p", "card-meta");
    meta.appendChild(document.createTextNode((t.author && t.author.display_name || "") + " · "));
    var time = el("time", "", when(t.last_activity_at));
    time.setAttribute("datetime", t.last_activity_at);
    meta.appendChild(time);
    li.appendChild(kicker);
    li.appendChild(title);
    li.appendChild(meta);
    return li;
  }

  function onThread(page, t) {
    if (Number(t.district_id) !== Number(page.getAttribute("data-district-id"))) return;
    var list = document.getElementById("thread-list");
    if (!list) return;
    var card = document.getElementById("thread-" + Number(t.id));
    if (card) {
      var status = card.querySelector('[data-role="status"]');
      if (status) status.textContent = page.getAttribute("data-status-" + t.status) || t.status;
      var posts = card.querySelector('[data-role="posts"]');
      if (posts) posts.textContent = (page.getAttribute("data-posts") || "{n}").replace("{n}", String(t.post_count));
      return;
    }
    list.insertBefore(threadCard(page, t), list.firstChild);
    var none = document.getElementById("no-threads");
    if (none) none.hidden = true;
  }

  // --- a thread's posts ---------------------------------------------------------------------

  function addPost(page, p) {
    var list = document.getElementById("posts");
    var last = Number(page.getAttribute("data-last-id")) || 0;
    if (!list || typeof p.id !== "number" || p.id <= last || document.getElementById("p" + p.id)) return;
    page.setAttribute("data-last-id", String(p.id));
    var li = el("li", "message" + (String(p.author && p.author.id) === page.getAttribute("data-me") ? " message-mine" : ""));
    li.id = "p" + p.id;
    li.setAttribute("data-post-id", String(p.id));
    var head = el("div", "message-head");
    head.appendChild(el("span", "message-author", p.author && p.author.display_name || ""));
    var time = el("time", "message-time", when(p.created_at));
    time.setAttribute("datetime", p.created_at);
    head.appendChild(time);
    li.appendChild(head);
    li.appendChild(el("p", "message-body", p.body));
    list.appendChild(li);
    var none = document.getElementById("no-posts");
    if (none) none.hidden = true;
  }

  function onStatus(page, t) {
    if (Number(t.id) !== Number(page.getAttribute("data-thread-id"))) return;
    var badge = document.getElementById("thread-status");
    if (badge) badge.textContent = page.getAttribute("data-status-" + t.status) || t.status;
    var form = document.getElementById("district-post-form");
    if (form && t.status === "resolved") form.hidden = true;
  }

  function wireComposer(page, rt) {
    var form = document.getElementById("district-post-form");
    if (!form) return;
    var input = document.getElementById("post-body");
    var refused = document.getElementById("post-refused");
    form.addEventListener("submit", function (ev) {
      if (!rt.connected()) return;  // the plain form posts it
      ev.preventDefault();
      var body = input.value;
      refused.hidden = true;
      rt.postDistrict(page.getAttribute("data-thread-id"), body).then(function (ack) {
        if (ack.ok) {
          addPost(page, ack.post);
          input.value = "";
        } else if (ack.error && ack.error.code === "timeout") {
          form.submit();
        } else {
          var fields = ack.error && ack.error.fields;
          refused.textContent = fields && fields.body ? fields.body : (ack.error && ack.error.message) || "";
          refused.hidden = false;
        }
      });
    });
  }

  function start() {
    var rt = window.Courtyard && window.Courtyard.realtime;
    var list = document.getElementById("district");
    var thread = document.getElementById("district-thread");
    var page = list || thread;
    if (!rt || !page) return;
    var live = document.getElementById("live-state");
    rt.on("connection", function (state) {
      page.setAttribute("data-live", state.connected ? "true" : "false");
      if (live) live.textContent = live.getAttribute(state.connected ? "data-on" : "data-off") || "";
    });
    if (list) {
      rt.on("district.thread_created", function (t) { onThread(list, t); });
      rt.on("district.thread_updated", function (t) { onThread(list, t); });
    }
    if (thread) {
      rt.on("district.posted", function (p) {
        if (Number(p.thread_id) === Number(thread.getAttribute("data-thread-id"))) addPost(thread, p);
      });
      rt.on("district.thread_updated", function (t) { onStatus(thread, t); });
      wireComposer(thread, rt);
    }
    rt.joinDistrict(page.getAttribute("data-district-id")).then(function (ack) {
      if (ack && ack.ok) page.setAttribute("data-joined", "true");
    });
    rt.on("connection", function (state) {
      if (!state.connected) page.removeAttribute("data-joined");
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
