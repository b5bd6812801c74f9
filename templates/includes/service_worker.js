/* A phone form's service worker (the observer's incident form, the hotline's quick entry): keeps a
 * copy of the pages named below (forms, and lists that hold no personal text, each page of a list
 * its own copy) and of their assets, so they open without a connection. Network first, the copy
 * only as a fallback. Nothing posted is ever cached here (the page script keeps what is being sent
 * in IndexedDB until the server has it), and no other page of the scope is touched: a page that
 * shows people (a log, a board) is never copied to the phone. Rendered per scope by
 * web/offline.py (`service_worker_response`). */
"use strict";
var PREFIX = "{{ cache_prefix }}";
var CACHE = PREFIX + "{{ version }}";
var PAGES = [{% for url in pages %}"{{ url }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var LISTS = [{% for url in lists %}"{{ url }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var ASSETS = [{% for url in assets %}"{{ url }}"{% if not forloop.last %}, {% endif %}{% endfor %}];

function keyFor(url) {
  if (PAGES.indexOf(url.pathname) >= 0) return url.pathname;
  if (LISTS.indexOf(url.pathname) >= 0) return url.pathname + url.search;
  return ASSETS.indexOf(url.pathname) >= 0 ? url.pathname : null;
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(PAGES.concat(LISTS, ASSETS));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf(PREFIX) === 0 && k !== CACHE; })
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
