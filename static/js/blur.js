/* The blur editor: rectangles over the photo, kept as fractions of its size (x, y, w, h), drawn
 * by dragging and removed by their × button; the form posts them as JSON. No framework, no inline
 * script (the page's CSP): the saved or proposed rectangles come in a JSON data element. */
(function () {
  "use strict";
  var editor = document.getElementById("blur-editor");
  var photo = document.getElementById("blur-photo");
  var field = document.getElementById("blur-regions-field");
  var count = document.getElementById("blur-count");
  if (!editor || !photo || !field) return;
  var regions = JSON.parse(document.getElementById("blur-regions").textContent || "[]");
  var start = null;
  var ghost = null;

  function clamp(v) { return Math.max(0, Math.min(1, v)); }

  function place(el, r) {
    el.style.left = (r[0] * 100) + "%";
    el.style.top = (r[1] * 100) + "%";
    el.style.width = (r[2] * 100) + "%";
    el.style.height = (r[3] * 100) + "%";
  }

  function sync() {
    field.value = JSON.stringify(regions);
    if (count) count.textContent = String(regions.length);
  }

  function draw() {
    Array.prototype.forEach.call(editor.querySelectorAll(".blur-region"), function (el) { el.remove(); });
    regions.forEach(function (r, i) {
      var box = document.createElement("div");
      box.className = "blur-region";
      place(box, r);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "blur-remove";
      remove.textContent = "×";
      remove.setAttribute("aria-label", editor.getAttribute("data-remove") + " " + (i + 1));
      remove.addEventListener("click", function () { regions.splice(i, 1); draw(); });
      box.appendChild(remove);
      editor.appendChild(box);
    });
    sync();
  }

  function at(event) {
    var rect = photo.getBoundingClientRect();
    return [clamp((event.clientX - rect.left) / rect.width), clamp((event.clientY - rect.top) / rect.height)];
  }

  photo.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    start = at(event);
    ghost = document.createElement("div");
    ghost.className = "blur-region blur-drawing";
    editor.appendChild(ghost);
  });
  document.addEventListener("pointermove", function (event) {
    if (!start) return;
    var p = at(event);
    place(ghost, [Math.min(start[0], p[0]), Math.min(start[1], p[1]), Math.abs(p[0] - start[0]), Math.abs(p[1] - start[1])]);
  });
  document.addEventListener("pointerup", function (event) {
    if (!start) return;
    var p = at(event);
    var r = [Math.min(start[0], p[0]), Math.min(start[1], p[1]), Math.abs(p[0] - start[0]), Math.abs(p[1] - start[1])];
    start = null;
    ghost.remove();
    ghost = null;
    if (r[2] > 0.01 && r[3] > 0.01) regions.push(r);
    draw();
  });
  draw();
})();
