/* Photos open in an in-page viewer instead of a new tab: a <dialog> (modal, named) with the photo,
   "2 / 3", 上一张 / 下一张 and 关闭; Esc closes it, ← and → move, focus returns to the photo tapped.
   Any link in a photo list (.photo-grid: a topic's photos, a task's timeline; .photo-row) opens
   it with that list's photos. Without JavaScript the links open the photo itself. */
(function () {
  "use strict";

  var script = document.currentScript;
  function word(name, fallback) { return (script && script.getAttribute("data-" + name)) || fallback; }
  var LISTS = ".photo-grid, .photo-row";

  var dialog = null, img, count, prev, next, photos = [], index = 0, opener = null;

  function button(cls, text, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "viewer-button " + cls;
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "photo-viewer";
    dialog.id = "photo-viewer";
    dialog.setAttribute("aria-labelledby", "photo-viewer-count");
    var bar = document.createElement("div");
    bar.className = "viewer-bar";
    count = document.createElement("p");
    count.className = "viewer-count";
    count.id = "photo-viewer-count";
    count.setAttribute("aria-live", "polite");
    bar.appendChild(count);
    bar.appendChild(button("viewer-close", word("close", "Close"), function () { dialog.close(); }));
    var stage = document.createElement("div");
    stage.className = "viewer-stage";
    img = document.createElement("img");
    stage.appendChild(img);
    var nav = document.createElement("div");
    nav.className = "viewer-nav";
    prev = button("viewer-prev", "‹ " + word("previous", "Previous"), function () { show(index - 1); });
    next = button("viewer-next", word("next", "Next") + " ›", function () { show(index + 1); });
    nav.appendChild(prev);
    nav.appendChild(next);
    dialog.appendChild(bar);
    dialog.appendChild(stage);
    dialog.appendChild(nav);
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { event.preventDefault(); show(index - 1); }
      else if (event.key === "ArrowRight") { event.preventDefault(); show(index + 1); }
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog || event.target === stage) dialog.close();  // a tap beside the photo
    });
    dialog.addEventListener("close", function () {
      img.removeAttribute("src");
      if (opener && document.contains(opener)) opener.focus();
    });
    document.body.appendChild(dialog);
  }

  function show(i) {
    if (i < 0 || i >= photos.length) return;
    index = i;
    img.src = photos[i].src;
    img.alt = photos[i].alt;
    var total = photos.length;
    count.textContent = word("count", "Photo {n} of {total}").split("{n}").join(String(i + 1)).split("{total}").join(String(total));
    prev.disabled = i === 0;
    next.disabled = i === total - 1;
    prev.hidden = next.hidden = total < 2;
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var link = event.target.closest && event.target.closest("a[href]");
    var list = link && link.closest(LISTS);
    if (!list || !link.querySelector("img")) return;
    var links = Array.prototype.filter.call(list.querySelectorAll("a[href]"), function (a) { return a.querySelector("img"); });
    if (!dialog) build();
    if (typeof dialog.showModal !== "function") return;  // an old browser: the link opens the photo
    event.preventDefault();
    photos = links.map(function (a) { var t = a.querySelector("img"); return { src: a.href, alt: t.alt || "" }; });
    opener = link;
    dialog.showModal();
    show(links.indexOf(link));
    dialog.querySelector(".viewer-close").focus();
  });
})();
