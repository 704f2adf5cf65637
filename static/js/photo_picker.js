/* The photo picker (templates/_macros/photos.html), on top of plain file inputs that work alone:
   - each chosen photo shows as a thumbnail (a blob: URL, never sent anywhere);
   - a photo over the server's size limit or of another type is taken out of the choice at once,
     with a message saying which and why (the server checks again);
   - a form with photos is sent with XMLHttpRequest so that a progress bar shows the upload;
     the answer (the next page, or the form with its mistakes) then replaces the page, as a
     plain submit would. Strings come from this script tag's data-*. */
(function () {
  "use strict";

  if (window.Courtyard && window.Courtyard.photoPicker) return;  // one per page, however many fields
  window.Courtyard = window.Courtyard || {};
  window.Courtyard.photoPicker = true;

  var script = document.currentScript;
  function t(name, fallback, values) {
    var s = (script && script.getAttribute("data-" + name)) || fallback;
    Object.keys(values || {}).forEach(function (k) { s = s.split("%(" + k + ")s").join(String(values[k])); });
    return s;
  }

  function setFiles(input, files) {
    try {
      var dt = new DataTransfer();
      files.forEach(function (f) { dt.items.add(f); });
      input.files = dt.files;
    } catch (e) {
      if (files.length !== input.files.length) input.value = "";  // older browsers: drop the whole choice
    }
  }

  function check(field, input) {
    var max = Number(field.getAttribute("data-max-bytes")) || Infinity;
    var types = (field.getAttribute("data-types") || "").split(",").filter(Boolean);
    var good = [], problems = [];
    Array.prototype.forEach.call(input.files || [], function (f) {
      if (types.length && types.indexOf(f.type) < 0) problems.push(t("bad-type", "%(name)s is not a photo.", { name: f.name }));
      else if (f.size > max) problems.push(t("too-big", "%(name)s is too large.", { name: f.name }));
      else good.push(f);
    });
    if (problems.length) setFiles(input, good);
    return problems;
  }

  function render(field) {
    var strip = field.querySelector(".photo-chosen");
    var note = field.querySelector(".photo-check");
    var problems = field._problems || [];
    note.textContent = problems.join(" ");
    note.hidden = !problems.length;
    Array.prototype.forEach.call(strip.querySelectorAll("img"), function (img) { URL.revokeObjectURL(img.src); });
    strip.textContent = "";
    var n = 0;
    Array.prototype.forEach.call(field.querySelectorAll("input.photo-input"), function (input) {
      Array.prototype.forEach.call(input.files || [], function (f) {
        n += 1;
        var li = document.createElement("li");
        var img = document.createElement("img");
        img.src = URL.createObjectURL(f);
        img.alt = t("photo", "Photo %(n)s", { n: n }) + " · " + f.name;
        li.appendChild(img);
        strip.appendChild(li);
      });
    });
    strip.hidden = !n;
  }

  function chosen(form) {
    return Array.prototype.some.call(form.querySelectorAll("input.photo-input"), function (i) {
      return i.files && i.files.length;
    });
  }

  function send(form, event) {
    if (!window.FormData || !window.XMLHttpRequest || !chosen(form)) return;  // a plain submit
    event.preventDefault();
    var box = form.querySelector(".photo-progress");
    var bar = box && box.querySelector("progress");
    var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    if (box) { box.hidden = false; bar.value = 0; }
    var xhr = new XMLHttpRequest();
    xhr.open((form.getAttribute("method") || "post").toUpperCase(), form.action);
    xhr.upload.addEventListener("progress", function (e) {
      if (bar && e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total);
    });
    xhr.addEventListener("load", function () {
      if (bar) bar.value = 100;
      var url = xhr.responseURL || form.action;
      // The answer is the page a plain submit would have shown: the next page, or the form again.
      if (url !== location.href) history.replaceState(null, "", url);
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () {
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      if (box) box.hidden = true;
      var field = form.querySelector(".photo-field");
      if (field) { field._problems = [t("failed", "Sending failed.")]; render(field); }
    });
    xhr.send(data);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".photo-field"), function (field) {
      Array.prototype.forEach.call(field.querySelectorAll("input.photo-input"), function (input) {
        input.addEventListener("change", function () {
          field._problems = check(field, input);
          render(field);
        });
      });
      var form = field.closest("form");
      if (form && !form._photoSubmit) {
        form._photoSubmit = true;
        form.addEventListener("submit", function (e) { send(form, e); });
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
