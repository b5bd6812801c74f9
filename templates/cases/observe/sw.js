/* The observer's service worker (scope /observe/): keeps a copy of the incident form, of the
 * "My reports" list (times, places, events: never a narrative) and of their two assets, so both
 * open without a connection. Network first, the copy only as a fallback (the list then says it is
 * a copy, and from when); reports being written are never cached here (the page script keeps
 * them in IndexedDB until the server has them). */
"use strict";
var CACHE = "tracker-observer-{{ version }}";
var FORM = "{{ form_url }}";
var REPORTS = "{{ reports_url }}";
var ASSETS = [FORM, REPORTS, "{{ css_url }}", "{{ js_url }}"];

function keyFor(url) {
  if (url.pathname === FORM) return FORM;
  if (url.pathname === REPORTS) return REPORTS + url.search;  // each page of the list its own copy
  return ASSETS.indexOf(url.pathname) >= 0 ? url.pathname : null;
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("tracker-observer-") === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var key = keyFor(url);
  if (!key) return;
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(key, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(key).then(function (cached) { return cached || Response.error(); });
  }));
});
