/* The new-topic form's map point (templates/deliberation/new_topic.html, "Where"). Without
   JavaScript, or without geolocation, the place and its note are all there is: the buttons stay
   hidden. With them, "Add my location" asks the phone once (only when pressed) and fills the
   hidden latitude/longitude fields; "Remove" empties them. The server checks the numbers. */
(function () {
  "use strict";
  var box = document.querySelector("[data-where-point]");
  if (!box || !("geolocation" in navigator)) return;
  var lat = document.querySelector("[data-where='lat']");
  var lng = document.querySelector("[data-where='lng']");
  var locate = box.querySelector("[data-where-locate]");
  var clear = box.querySelector("[data-where-clear]");
  var status = box.querySelector("[data-where-status]");
  box.hidden = false;

  function show(text) { status.textContent = text; }

  locate.addEventListener("click", function () {
    locate.disabled = true;
    show(locate.getAttribute("data-locating"));
    navigator.geolocation.getCurrentPosition(function (position) {
      lat.value = position.coords.latitude.toFixed(6);
      lng.value = position.coords.longitude.toFixed(6);
      show(locate.getAttribute("data-found").replace("%(point)s", lat.value + ", " + lng.value));
      clear.hidden = false;
      locate.disabled = false;
    }, function () {
      show(locate.getAttribute("data-failed"));
      locate.disabled = false;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });

  clear.addEventListener("click", function () {
    lat.value = "";
    lng.value = "";
    show("");
    clear.hidden = true;
    locate.focus();
  });
})();
