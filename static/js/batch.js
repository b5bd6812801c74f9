/* A background job's page (a packet batch, a mass disposition; markup in
 * templates/includes/progress.html): ask the status endpoint every second and move the progress
 * bar as the worker records each case; once the job is finished (or stalled, or failed) reload the
 * page, which then shows the outcome. Without JavaScript the page refreshes itself instead (a
 * <noscript> refresh). */
(function () {
  "use strict";
  var status = document.querySelector("[data-status-url]");
  if (!status || status.getAttribute("data-finished") === "true") return;
  var bar = status.querySelector("progress");
  var count = status.querySelector("[data-count]");
  var label = status.querySelector("[data-label]");
  var last = status.getAttribute("data-state");
  function poll() {
    fetch(status.getAttribute("data-status-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 3000); return; }
        bar.max = Math.max(data.total, 1);
        bar.value = data.done;
        bar.textContent = data.done + "/" + data.total;
        count.textContent = data.done + " / " + data.total;
        if (data.finished_at || data.stalled || (data.status !== "running" && data.status !== "queued")) {
          window.location.reload();
          return;
        }
        if (data.status !== last) { label.textContent = status.getAttribute("data-running-label"); last = data.status; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
