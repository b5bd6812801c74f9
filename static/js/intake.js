/* Intake page: while a name, phone, e-mail or birth date is typed, ask the server (POST, never a
 * URL) who may already be registered and offer "use this record"; choosing one fills the hidden
 * existing_person field and sets the new person's fields aside (kept, not sent as a new person). */
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  if (!form) return;
  var text = JSON.parse(document.getElementById("intake-messages").textContent);
  var endpoint = form.getAttribute("data-suggest");
  var watched = ["legal_name", "preferred_name", "phone", "email", "date_of_birth", "event"];
  var box = document.getElementById("suggestions");
  var list = document.getElementById("suggestion-list");
  var hidden = form.elements["existing_person"];
  var chosenBox = document.getElementById("chosen-person");
  var chosenName = document.getElementById("chosen-name");
  var newPerson = document.getElementById("new-person");
  var timer = null;
  var sent = 0;

  function choose(id, name) {
    hidden.value = id;
    chosenName.textContent = name;
    chosenBox.hidden = false;
    newPerson.hidden = true;
  }

  function unchoose() {
    hidden.value = "";
    chosenBox.hidden = true;
    newPerson.hidden = false;
  }

  function render(suggestions) {
    list.textContent = "";
    box.hidden = suggestions.length === 0;
    suggestions.forEach(function (s) {
      var item = document.createElement("li");
      item.className = "report suggestion";
      var name = document.createElement("strong");
      name.textContent = s.name;
      item.appendChild(name);
      var why = document.createElement("span");
      why.textContent = s.reasons.join(", ");
      item.appendChild(why);
      var cases = document.createElement("span");
      cases.className = "hint";
      cases.textContent = s.cases.map(function (c) { return c.number + " (" + c.event + ")"; }).join("; ") || text.no_case;
      item.appendChild(cases);
      var use = document.createElement("button");
      use.type = "button";
      use.textContent = text.use;
      use.addEventListener("click", function () { choose(s.id, s.name); });
      item.appendChild(use);
      list.appendChild(item);
    });
  }

  function ask() {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.elements["csrfmiddlewaretoken"].value);
    var eventField = form.elements["event"];
    if (eventField && eventField.value) body.append("event", eventField.value);
    ["legal_name", "preferred_name", "phone", "email", "date_of_birth"].forEach(function (name) {
      var field = form.elements[name];
      if (field && field.value) body.append(name, field.value);
    });
    var mine = ++sent;
    fetch(endpoint, { method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
      .then(function (data) { if (mine === sent) render(data.suggestions || []); })
      .catch(function () { /* offline or signed out: no suggestions, the form still works */ });
  }

  watched.forEach(function (name) {
    var field = form.elements[name];
    if (!field) return;
    var again = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 250);
    };
    field.addEventListener("input", again);
    field.addEventListener("change", again);
  });
  document.getElementById("unchoose").addEventListener("click", unchoose);
  if (hidden.value) newPerson.hidden = true;
})();
