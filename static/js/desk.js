/* Desk pages: a form marked data-busy shows that it is working (packets take a second or two)
 * and cannot be sent twice; the download arrives as an attachment, so the page stays. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("form[data-busy]"), function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (!button || button.disabled) return;
      var label = button.textContent;
      button.textContent = button.getAttribute("data-busy-label") || label;
      button.setAttribute("aria-busy", "true");
      window.setTimeout(function () { button.disabled = true; }, 0);
      window.setTimeout(function () {
        button.disabled = false;
        button.removeAttribute("aria-busy");
        button.textContent = label;
      }, 8000);
    });
  });
})();
