/* On the sign-in page, nobody is signed in on this browser: remove the page copies that the phone
 * forms' service workers keep for offline use (the observer's form and list of reports, the
 * hotline's form), so a phone handed on or lost shows nothing of the last person's work once they
 * have signed out. Reports and entries still waiting to be sent live in IndexedDB, not in these
 * caches, and are left alone: they go out after the next sign-in, as before. */
"use strict";
(function () {
  if (!("caches" in window)) return;
  caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key.indexOf("tracker-") === 0; })
      .map(function (key) { return caches.delete(key); }));
  }).catch(function () { /* nothing kept, or storage not available: nothing to remove */ });
})();
