/* The observer's service worker (scope /observe/): keeps a copy of the incident form and its two
 * assets so the form opens without a connection. Network first, the copy only as a fallback;
 * reports themselves are never cached here (the page script keeps them in IndexedDB). */
"use strict";
var CACHE = "tracker-observer-{{ version }}";
var FORM = "{{ form_url }}";
var ASSETS = [FORM, "{{ css_url }}", "{{ js_url }}"];

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
  var key = url.pathname === FORM ? FORM : (ASSETS.indexOf(url.pathname) >= 0 ? url.pathname : null);
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
