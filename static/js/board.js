/* The custody board refreshes itself: every 15 seconds it asks for the board's columns with the
 * version it has (If-None-Match); the server answers 304 while nothing changed, so many people
 * can watch one board at little cost. No framework; the page's own words label the state. */
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) return;
  var url = board.getAttribute("data-poll");
  var state = document.getElementById("board-state");
  var etag = board.getAttribute("data-etag");
  var busy = false;

  function stamp(label) {
    if (!state) return;
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    state.textContent = state.getAttribute(label) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }

  function poll() {
    if (busy || document.hidden) return;
    busy = true;
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    if (etag) xhr.setRequestHeader("If-None-Match", etag);
    xhr.onload = function () {
      busy = false;
      if (xhr.status === 200) {
        etag = xhr.getResponseHeader("ETag");
        board.innerHTML = xhr.responseText;
        stamp("data-updated");
      } else if (xhr.status === 304) {
        stamp("data-updated");
      } else {
        stamp("data-offline");
      }
    };
    xhr.onerror = function () { busy = false; stamp("data-offline"); };
    xhr.send();
  }

  board.setAttribute("data-live", "1");
  poll();
  window.setInterval(poll, 15000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
})();
