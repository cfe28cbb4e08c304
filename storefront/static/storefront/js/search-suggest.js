/* Search box suggestions: as the buyer types (a word's start, pinyin or initials: ngl, yumi), ask the
   shop for at most ten product names and list them under the box; picking one searches for it.
   Static file (CSP forbids inline scripts); works without it too (the form still submits). */
(function () {
  "use strict";
  var DELAY_MS = 150;

  function attach(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var form = input.form;
    var timer = null;
    var active = -1;
    var lastAsked = "";

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function pick(label) {
      input.value = label;
      close();
      form.submit();
    }

    function render(items) {
      list.textContent = "";
      active = -1;
      if (!items.length) { close(); return; }
      items.forEach(function (label, i) {
        var li = document.createElement("li");
        li.id = input.id + "-opt-" + i;
        li.setAttribute("role", "option");
        li.className = "suggest-item";
        li.textContent = label;
        li.addEventListener("mousedown", function (event) { event.preventDefault(); pick(label); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function ask() {
      var text = input.value.trim();
      if (!text) { close(); return; }
      if (text === lastAsked) { return; }
      lastAsked = text;
      var url = input.getAttribute("data-suggest-url") + "&q=" + encodeURIComponent(text);
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) { if (input.value.trim() === text) { render(data.suggestions || []); } })
        .catch(function () { close(); });
    }

    function move(step) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) { return; }
      if (active >= 0) { items[active].removeAttribute("aria-selected"); }
      active = (active + step + items.length) % items.length;
      items[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[active].id);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        pick(list.querySelectorAll("[role=option]")[active].textContent);
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  document.querySelectorAll("input[data-suggest-url]").forEach(attach);
})();
