/* Desk pages: a form marked data-busy shows that it is working (packets take a second or two)
 * and cannot be sent twice. It is sent with fetch so that the page knows when it ends: a file
 * (Content-Disposition: attachment) is handed to the browser as a download and the button comes
 * back at once; a redirect (a batch's progress page) is followed; anything else (a confirmation
 * or an error page) is shown by sending the form the ordinary way. */
(function () {
  "use strict";

  function filenameOf(response) {
    var header = response.headers.get("Content-Disposition") || "";
    var star = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (star) return decodeURIComponent(star[1]);
    var plain = /filename="?([^";]+)"?/i.exec(header);
    return plain ? plain[1] : "download";
  }

  function isAttachment(response) {
    return /^\s*attachment/i.test(response.headers.get("Content-Disposition") || "");
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-busy]"), function (form) {
    form.addEventListener("submit", function (event) {
      var button = form.querySelector("button[type=submit]");
      if (!button || !window.fetch) return;
      event.preventDefault();
      if (button.disabled) return;
      var label = button.textContent;
      button.textContent = button.getAttribute("data-busy-label") || label;
      button.setAttribute("aria-busy", "true");
      button.disabled = true;
      function done() {
        button.disabled = false;
        button.removeAttribute("aria-busy");
        button.textContent = label;
      }
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (response) {
          if (response.ok && isAttachment(response)) {
            return response.blob().then(function (blob) { save(blob, filenameOf(response)); done(); });
          }
          if (response.ok && response.redirected) {
            window.location.assign(response.url);
            return null;
          }
          done();
          form.submit();  // shows the page the server answered (a confirmation, an error)
          return null;
        })
        .catch(function () { done(); form.submit(); });
    });
  });
})();
