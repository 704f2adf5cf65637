/* The topic page's composer and long messages (templates/deliberation/topic.html).
   - A counter under the text box ("120 / 2000 字"), shown once there is text, red past the limit;
   - a send that cannot go says why (empty, too long) next to the box and keeps the text, instead of
     the browser cutting it: the server's rule is 1–2000 characters after trimming (CONTRACT);
   - a message longer than FOLD_AT characters is folded with a 展开 / 收起 button (aria-expanded),
     the ones on the page and the ones that arrive live.
   Loaded before topic.js: a refused send stops here, so topic.js never sends it. */
(function () {
  "use strict";

  var FOLD_AT = 500;
  var script = document.currentScript;
  var words = {
    more: (script && script.getAttribute("data-show-all")) || "Show all",
    less: (script && script.getAttribute("data-show-less")) || "Show less"
  };

  function length(text) { return Array.from(text).length; }  // characters, as the server counts them
  function fill(template, values) {
    return Object.keys(values).reduce(function (s, k) { return s.split("{" + k + "}").join(String(values[k])); }, template);
  }

  // --- the composer ---------------------------------------------------------------------------

  var form = document.getElementById("post-form");
  var input = form && form.querySelector("textarea[name=body]");
  var counter = document.getElementById("post-count");
  var refused = document.getElementById("post-refused");
  if (form && input && counter && refused) {
    var max = Number(input.getAttribute("data-max")) || 2000;

    var update = function () {
      var n = length(input.value.trim());
      counter.textContent = fill(counter.getAttribute("data-template"), { count: n, max: max });
      counter.hidden = n === 0;
      counter.classList.toggle("is-over", n > max);
      if (!refused.hidden && n > 0 && n <= max) clearRefusal();
    };
    var clearRefusal = function () {
      refused.hidden = true;
      refused.textContent = "";
      if (!form.querySelector("#post-error")) input.removeAttribute("aria-invalid");
      input.setAttribute("aria-describedby", form.querySelector("#post-error") ? "post-error post-count" : "post-count");
    };
    var refuse = function (text) {
      refused.textContent = text;
      refused.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", "post-refused post-count");
      input.focus();
    };

    form.addEventListener("submit", function (event) {
      var n = length(input.value.trim());
      var why = n === 0 ? refused.getAttribute("data-empty")
        : n > max ? fill(refused.getAttribute("data-too-long"), { count: n, max: max }) : null;
      if (why) {
        event.preventDefault();
        event.stopImmediatePropagation();
        refuse(why);
        return;
      }
      clearRefusal();
      setTimeout(update, 0);  // topic.js empties the box once it has taken the text
    });
    input.addEventListener("input", update);
    update();
  }

  // --- long messages --------------------------------------------------------------------------

  var list = document.getElementById("messages");
  var seq = 0;

  function foldable(li) {
    var body = li.querySelector(".message-body");
    if (!body || body.classList.contains("message-removed") || body.hasAttribute("data-folding")) return;
    if (length(body.textContent) <= FOLD_AT) return;
    body.setAttribute("data-folding", "");
    if (!body.id) body.id = "message-body-" + (li.getAttribute("data-message-id") || "x" + (++seq));
    body.classList.add("is-folded");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "message-fold";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", body.id);
    button.textContent = words.more;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.textContent = open ? words.less : words.more;
      body.classList.toggle("is-folded", !open);
      if (!open) li.scrollIntoView({ block: "nearest" });
    });
    body.parentNode.insertBefore(button, body.nextSibling);
  }

  if (list) {
    Array.prototype.forEach.call(list.querySelectorAll("li.message"), foldable);
    // topic.js fills a live message in place (and sets data-message-id last): fold it then.
    new MutationObserver(function (changes) {
      changes.forEach(function (c) {
        var li = c.target.nodeType === 1 && c.target.closest ? c.target.closest("li.message") : null;
        if (li) foldable(li);
        Array.prototype.forEach.call(c.addedNodes, function (n) {
          if (n.nodeType === 1 && n.matches("li.message")) foldable(n);
        });
      });
    }).observe(list, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-message-id"] });
  }
})();
