// floorcross: the front page keeps itself up to date without a reload.
//
// Every few seconds (data-live-every, 30 by default; not while the tab is hidden) it asks
// /api/updates for the record's marker. When the marker differs from the page's, it fetches
// the same page again and swaps in the parts marked data-live-region (the count and the list),
// leaving the filter form alone. Without JavaScript, or with an older browser, the page is a
// plain page: reload it to see new changes. Loaded from a file, never inline, so that a strict
// Content-Security-Policy (script-src 'self') allows it.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  if (!status || !window.fetch || !window.DOMParser) {
    return;
  }
  var marker = status.getAttribute("data-live-marker");
  var url = status.getAttribute("data-live-url") || "/api/updates";
  var every = Math.max(2, parseInt(status.getAttribute("data-live-every") || "30", 10)) * 1000;
  var failures = 0;
  var timer = null;

  function schedule() {
    // After failures, wait longer (up to ten times), so a stopped server is not hammered.
    var wait = every * Math.min(10, Math.pow(2, failures));
    timer = window.setTimeout(check, wait);
  }

  function swap(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var regions = document.querySelectorAll("[data-live-region]");
    for (var i = 0; i < regions.length; i++) {
      var fresh = doc.getElementById(regions[i].id);
      if (fresh) {
        regions[i].innerHTML = fresh.innerHTML;
      }
    }
    var next = doc.getElementById("live-status");
    if (next) {
      marker = next.getAttribute("data-live-marker");
    }
    var time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    status.textContent = "Updated at " + time + " with the latest changes.";
    status.className = "live-status fresh";
  }

  function check() {
    timer = null;
    if (document.hidden) {
      schedule();
      return;
    }
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        if (data.marker === marker) {
          return null;
        }
        return fetch(window.location.href, { headers: { Accept: "text/html" },
                                             credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
          .then(swap);
      })
      .then(function () { failures = 0; }, function () { failures += 1; })
      .then(schedule);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && timer !== null) {
      window.clearTimeout(timer);
      check();
    }
  });
  schedule();
})();
