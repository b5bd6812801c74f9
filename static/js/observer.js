/* The observer's phone: keep reports on the phone (IndexedDB) until the server has them.
 *
 * Every report gets a client UUID when the form is opened. Saving stores the report (with its
 * photos) on the phone first, then sends it; a report is deleted from the phone only after the
 * server answered 201 (stored) or 200 (already stored under that UUID), so a retry after a lost
 * answer never makes a second copy. Sending is retried when the connection returns, when a page
 * opens, and every 15 seconds while something waits. No framework; all text comes translated
 * from the page (#observer-messages).
 *
 * The same queue serves the jail-support hotline form: the page's #observer-app names its form
 * (data-form), its phone store (data-store), its time field (data-when), the fields it needs
 * (data-required) and the field shown in the queue (data-summary); the defaults are the
 * observer's incident form.
 */
(function () {
  "use strict";

  var app = document.getElementById("observer-app");
  if (!app) return;
  var T = JSON.parse(document.getElementById("observer-messages").textContent);
  var endpoint = app.getAttribute("data-endpoint");
  var mode = app.getAttribute("data-mode");
  var form = document.getElementById(app.getAttribute("data-form") || "incident-form");
  var WHEN = app.getAttribute("data-when") || "occurred_at";
  var SUMMARY = app.getAttribute("data-summary") || "place";
  var REQUIRED = (app.getAttribute("data-required") || "event," + WHEN).split(",");
  var pendingList = document.getElementById("pending-reports");
  var queueStatus = document.getElementById("queue-status");
  var connection = document.getElementById("connection-state");
  var DB_NAME = app.getAttribute("data-store") || "tracker-observer";
  var STORE = "reports";
  var flushing = false;
  var flushAgain = false;
  var sentThisVisit = 0;
  var progress = {};

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function newUuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* --- IndexedDB, promisified -------------------------------------------------------------- */
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        if (!window.indexedDB) { reject(new Error("no indexedDB")); return; }
        var req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "client_uuid" }); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }
  function store(modeName, fn) {
    return db().then(function (conn) {
      return new Promise(function (resolve, reject) {
        var tx = conn.transaction(STORE, modeName);
        var result = fn(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function putReport(rec) { return store("readwrite", function (s) { return s.put(rec); }); }
  function deleteReport(id) { return store("readwrite", function (s) { return s.delete(id); }); }
  function allReports() {
    return store("readonly", function (s) { return s.getAll(); }).then(function (list) {
      return (list || []).sort(function (a, b) { return a.saved_at < b.saved_at ? -1 : 1; });
    });
  }

  /* --- Sending ------------------------------------------------------------------------------ */
  function send(rec) {
    return new Promise(function (resolve) {
      var body = new FormData();
      rec.entries.forEach(function (pair) {
        if (pair[1] instanceof Blob) body.append(pair[0], pair[1], pair[1].name || "upload");
        else body.append(pair[0], pair[1]);
      });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", endpoint);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRFToken", csrfToken());
      xhr.timeout = 10 * 60 * 1000;
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) { progress[rec.client_uuid] = e.loaded / e.total; render(); }
      };
      xhr.onload = function () {
        var data = null;
        var type = xhr.getResponseHeader("Content-Type") || "";
        if (type.indexOf("application/json") === 0) {
          try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
        }
        resolve({ status: data ? xhr.status : (xhr.status === 200 ? 401 : xhr.status), body: data });
      };
      xhr.onerror = function () { resolve({ status: 0 }); };
      xhr.ontimeout = function () { resolve({ status: 0 }); };
      xhr.send(body);
    });
  }

  function flush() {
    // Known to be offline: no attempt (it could only fail); the "online" event flushes again.
    if (!navigator.onLine) return Promise.resolve();
    if (flushing) {
      flushAgain = true; // e.g. the connection came back while an attempt was still failing
      return Promise.resolve();
    }
    flushing = true;
    return allReports().then(function (list) {
      var chain = Promise.resolve(true);
      list.forEach(function (rec) {
        chain = chain.then(function (goOn) {
          if (!goOn || rec.state === "rejected" || rec.state === "conflict") return goOn;
          rec.state = "sending";
          progress[rec.client_uuid] = 0;
          render(list);
          return send(rec).then(function (answer) {
            delete progress[rec.client_uuid];
            if (answer.status === 201 || answer.status === 200) {
              sentThisVisit += 1;
              showSent();
              return deleteReport(rec.client_uuid).then(function () { return true; });
            }
            if (answer.status === 400) {
              rec.state = "rejected";
              rec.errors = answer.body && answer.body.errors;
              return putReport(rec).then(function () { return true; });
            }
            if (answer.status === 409) { rec.state = "conflict"; return putReport(rec).then(function () { return true; }); }
            rec.state = (answer.status === 401 || answer.status === 403) ? "signin" : "waiting";
            return putReport(rec).then(function () { return false; });
          });
        });
      });
      return chain;
    }).catch(function () { /* storage unavailable: nothing queued */ }).then(function () {
      flushing = false;
      if (flushAgain) {
        flushAgain = false;
        return flush().then(function () { return render(); });
      }
      return render();
    }).then(function (left) {
      if (mode === "reports" && sentThisVisit > 0 && left === 0) window.location.reload();
    });
  }

  /* --- What the phone shows ---------------------------------------------------------------- */
  // After a report reaches the server, the note that said "saved on this phone" says "Sent" and when.
  function showSent() {
    var note = document.getElementById("save-note");
    if (!note) return;
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    note.textContent = T.sent_at.replace("%(time)s", pad(now.getHours()) + ":" + pad(now.getMinutes()));
    note.className = "note sent";
  }

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }

  function errorText(errors) {
    if (!errors) return "";
    return Object.keys(errors).map(function (name) {
      return errors[name].map(function (e) { return e.message; }).join(" ");
    }).join(" ");
  }

  function render(given) {
    var listed = given ? Promise.resolve(given) : allReports().catch(function () { return []; });
    return listed.then(function (list) {
      if (pendingList) {
        pendingList.textContent = "";
        list.forEach(function (rec) {
          var li = document.createElement("li");
          li.className = "report pending-report";
          li.setAttribute("data-client-uuid", rec.client_uuid);
          li.appendChild(text("span", rec.summary.when.replace("T", " "), "when"));
          li.appendChild(text("span", rec.summary.place || "", "where"));
          var state = rec.state || "waiting";
          var label = T[state] || T.waiting;
          if (state === "sending" && progress[rec.client_uuid] !== undefined) {
            label += " " + Math.round(progress[rec.client_uuid] * 100) + "%";
          }
          li.appendChild(text("span", label, "state " + state));
          if (state === "sending") {
            var bar = document.createElement("progress");
            bar.max = 1;
            bar.value = progress[rec.client_uuid] || 0;
            bar.setAttribute("aria-label", T.sending);
            li.appendChild(bar);
          }
          if (state === "rejected" && rec.errors) li.appendChild(text("span", errorText(rec.errors), "errors"));
          if (state === "rejected" || state === "conflict") {
            if (state === "rejected") {
              var retry = text("button", T.retry, "secondary");
              retry.type = "button";
              retry.addEventListener("click", function () {
                rec.state = "waiting";
                putReport(rec).then(flush);
              });
              li.appendChild(retry);
            }
            var discard = text("button", T.discard, "secondary danger");
            discard.type = "button";
            discard.addEventListener("click", function () {
              if (window.confirm(T.confirm_discard)) deleteReport(rec.client_uuid).then(function () { render(); });
            });
            li.appendChild(discard);
          }
          pendingList.appendChild(li);
        });
      }
      if (queueStatus) {
        queueStatus.textContent = list.length ? list.length + " " + T.pending : "";
      }
      return list.length;
    });
  }

  function showConnection() {
    var copy = document.getElementById("offline-copy");
    if (copy) copy.hidden = navigator.onLine;
    if (!connection) return;
    connection.textContent = navigator.onLine ? T.online : T.offline;
    connection.className = navigator.onLine ? "online" : "offline";
  }

  /* --- The form: chips, location, save to the phone ------------------------------------------ */
  function localNow() {
    var d = new Date();
    d.setSeconds(0, 0);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function addChip(kind, entry, label) {
    var list = document.getElementById(kind + "-chips");
    var li = document.createElement("li");
    li.className = "chip";
    li.appendChild(text("span", label));
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = kind;
    hidden.value = JSON.stringify(entry);
    li.appendChild(hidden);
    var remove = text("button", "×", "chip-remove");
    remove.type = "button";
    remove.setAttribute("aria-label", T.remove + ": " + label);
    remove.addEventListener("click", function () { li.remove(); });
    li.appendChild(remove);
    list.appendChild(li);
  }

  function chipFromInputs(kind) {
    var fields = kind === "officer" ? ["badge", "unit", "features"] : ["description", "conduct"];
    var entry = {};
    var parts = [];
    fields.forEach(function (f) {
      var input = form.elements[kind + "_" + f];
      var value = input ? input.value.trim() : "";
      entry[f] = value;
      if (value && !(kind === "arrest" && f === "conduct")) parts.push(value);
      if (kind === "arrest" && f === "conduct" && input) {
        parts.push(input.options[input.selectedIndex].text);
      }
    });
    if (!parts.length || (kind === "arrest" && !entry.description)) return false;
    addChip(kind, entry, (T[kind] || "") + ": " + parts.join(" · "));
    fields.forEach(function (f) {
      var input = form.elements[kind + "_" + f];
      if (input && input.tagName !== "SELECT") input.value = "";
      if (input && input.tagName === "SELECT") input.selectedIndex = Array.prototype.findIndex.call(input.options, function (o) { return o.defaultSelected; });
    });
    return true;
  }

  function enhanceExistingChips() {
    ["officer", "arrest"].forEach(function (kind) {
      var list = document.getElementById(kind + "-chips");
      if (!list) return;
      Array.prototype.forEach.call(list.querySelectorAll("li.chip"), function (li) {
        var label = li.querySelector("span").textContent;
        var remove = text("button", "×", "chip-remove");
        remove.type = "button";
        remove.setAttribute("aria-label", T.remove + ": " + label);
        remove.addEventListener("click", function () { li.remove(); });
        li.appendChild(remove);
      });
    });
  }

  function setupLocation() {
    var use = document.getElementById("use-location");
    var clear = document.getElementById("clear-location");
    var state = document.getElementById("location-state");
    if (!use || !navigator.geolocation) return;
    use.hidden = false;
    use.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements.latitude.value = pos.coords.latitude.toFixed(6);
        form.elements.longitude.value = pos.coords.longitude.toFixed(6);
        state.textContent = T.location_added + " (±" + Math.round(pos.coords.accuracy) + " m)";
        clear.hidden = false;
      }, function () { state.textContent = T.location_failed; }, { enableHighAccuracy: true, timeout: 15000 });
    });
    clear.addEventListener("click", function () {
      form.elements.latitude.value = "";
      form.elements.longitude.value = "";
      state.textContent = T.location_removed;
      clear.hidden = true;
    });
  }

  function formEntries() {
    var entries = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      if (value instanceof Blob && value.size === 0 && !value.name) return;
      entries.push([name, value]);
    });
    return entries;
  }

  /* Each attached file's SHA-256, computed here before it leaves the phone (Web Crypto), sent as
   * files_sha256 in the files' order: the server records whether the file it received matches. */
  function withDigests(entries) {
    var subtle = window.crypto && window.crypto.subtle;
    var files = entries.filter(function (pair) { return pair[0] === "files" && pair[1] instanceof Blob; });
    if (!subtle || !files.length) return Promise.resolve(entries);
    return Promise.all(files.map(function (pair) {
      return pair[1].arrayBuffer().then(function (buffer) { return subtle.digest("SHA-256", buffer); }).then(function (digest) {
        return Array.prototype.map.call(new Uint8Array(digest), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      });
    })).then(function (hexes) {
      return entries.concat(hexes.map(function (hex) { return ["files_sha256", hex]; }));
    }, function () { return entries; });
  }

  function resetForm() {
    var keepEvent = form.elements.event ? form.elements.event.value : null;
    form.reset();
    Array.prototype.forEach.call(form.querySelectorAll(".chips li"), function (li) { li.remove(); });
    if (keepEvent !== null) form.elements.event.value = keepEvent;
    form.elements[WHEN].value = localNow();
    form.elements.client_uuid.value = newUuid();
    if (form.elements.latitude) form.elements.latitude.value = "";
    if (form.elements.longitude) form.elements.longitude.value = "";
    var clear = document.getElementById("clear-location");
    if (clear) clear.hidden = true;
    Array.prototype.forEach.call(form.querySelectorAll("details.section"), function (d) { d.open = false; });
  }

  function setupForm() {
    if (!form) return;
    Array.prototype.forEach.call(document.querySelectorAll("[data-add-chip]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { chipFromInputs(button.getAttribute("data-add-chip")); });
    });
    enhanceExistingChips();
    setupLocation();
    if (!window.indexedDB) {
      if (queueStatus) queueStatus.textContent = T.no_storage;
      return; // plain form post
    }
    if (form.hasAttribute("data-fresh")) {
      // The page may be a copy kept for offline use: every report opened here gets its own id and time.
      form.elements.client_uuid.value = newUuid();
      form.elements[WHEN].value = localNow();
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var missing = REQUIRED.some(function (name) { return form.elements[name] && !form.elements[name].value.trim(); });
      if (missing) {
        form.reportValidity();
        return;
      }
      chipFromInputs("officer");
      chipFromInputs("arrest");
      var rec = {
        client_uuid: form.elements.client_uuid.value,
        entries: formEntries(),
        saved_at: new Date().toISOString(),
        state: "waiting",
        summary: { when: form.elements[WHEN].value, place: form.elements[SUMMARY] ? form.elements[SUMMARY].value : "" },
      };
      withDigests(rec.entries).then(function (entries) {
        rec.entries = entries;
        return putReport(rec);
      }).then(function () {
        resetForm();
        window.scrollTo(0, 0);
        var note = document.getElementById("save-note");
        if (note) { note.textContent = T.saved; note.className = "note"; }
        return render();
      }).then(flush);
    });
  }

  // Let the form open without a connection next time (the service worker keeps a copy of it).
  var sw = app.getAttribute("data-sw");
  if (sw && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(sw, { scope: sw.replace(/[^/]*$/, "") }).catch(function () { /* optional */ });
  }

  window.addEventListener("online", function () { showConnection(); flush(); });
  window.addEventListener("offline", showConnection);
  showConnection();
  setupForm();
  render().then(function (left) { if (left) flush(); });
  window.setInterval(function () {
    render().then(function (left) { if (left) flush(); });
  }, 15000);
})();
