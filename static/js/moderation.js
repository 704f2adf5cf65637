/* Gives messages that arrive live the same hide / report controls as the ones the page
   was rendered with (templates/deliberation/_message_actions.html), by cloning
   <template id="message-actions-template"> into each new #messages > li[data-message-id]. */
(function () {
  "use strict";

  var tpl = document.getElementById("message-actions-template");
  var list = document.getElementById("messages");
  if (!tpl || !list || !("content" in tpl)) return;
  var me = tpl.getAttribute("data-me");

  function fill(node, id) {
    ["action", "id", "for", "value"].forEach(function (attr) {
      node.querySelectorAll("[" + attr + "]").forEach(function (el) {
        var v = el.getAttribute(attr);
        if (v.indexOf("__ID__") !== -1) el.setAttribute(attr, v.split("__ID__").join(id));
      });
    });
    node.querySelectorAll('input[name="next"]').forEach(function (el) { el.value = el.value + "#m" + id; });
  }

  function decorate(li) {
    if (!li || li.nodeType !== 1 || li.parentNode !== list) return;
    var id = li.getAttribute("data-message-id");
    if (!id || !/^\d+$/.test(id) || li.querySelector(".message-actions")) return;
    if (li.classList.contains("message-hidden")) return;
    var frag = tpl.content.cloneNode(true);
    fill(frag, id);
    if (li.getAttribute("data-author-id") === me) {
      frag.querySelectorAll("[data-not-mine]").forEach(function (el) { el.parentNode.removeChild(el); });
    }
    var box = frag.querySelector(".message-actions");
    if (box && box.children.length) li.appendChild(frag);
  }

  new MutationObserver(function (changes) {
    changes.forEach(function (c) {
      if (c.type === "attributes") decorate(c.target);
      c.addedNodes.forEach(decorate);
    });
  }).observe(list, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-message-id"] });
})();
