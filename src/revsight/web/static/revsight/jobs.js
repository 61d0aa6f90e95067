// A running job's status, polled until it is over: each [data-poll] element is replaced by the
// fragment its URL answers (the server's rendering, so nothing is built here). A finished
// fragment has no data-poll, which stops the polling; with data-reload-when-done on the page's
// <main>, the page is loaded again once every job on it is over (the Forecast page's backtest).
(function () {
  "use strict";
  var INTERVAL = 1000;
  function poll(element) {
    var url = element.getAttribute("data-poll");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var fresh = holder.firstElementChild;
        element.replaceWith(fresh);
        if (fresh.hasAttribute("data-poll")) {
          window.setTimeout(function () { poll(fresh); }, INTERVAL);
        } else if (document.querySelector("[data-reload-when-done]") &&
                   !document.querySelector("[data-poll]")) {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(function () { poll(element); }, INTERVAL * 5); });
  }
  function start() {
    document.querySelectorAll("[data-poll]").forEach(function (element) {
      window.setTimeout(function () { poll(element); }, INTERVAL);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
