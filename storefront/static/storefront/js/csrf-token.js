// Forms of a page served from the shared page cache have an empty CSRF token (one rendering serves
// every anonymous visitor, storefront/shell/page_cache.py). When such a form is submitted, fetch this
// visitor's own token from the address in data-csrf-url (it also sets their CSRF cookie), put it in
// the form and submit again with the same button. Forms that already hold a token are left alone.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-csrf-url");
  if (!url) return;
  var pending = null;

  function token() {
    if (!pending) {
      pending = fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("csrf " + response.status);
          return response.json();
        })
        .then(function (data) { return data.token; });
      pending.catch(function () { pending = null; });
    }
    return pending;
  }

  function resubmit(form, submitter) {
    if (form.requestSubmit) {
      form.requestSubmit(submitter || undefined);
      return;
    }
    if (submitter && submitter.name) {  // form.submit() sends no button: carry its name and value
      var carried = document.createElement("input");
      carried.type = "hidden";
      carried.name = submitter.name;
      carried.value = submitter.value;
      form.appendChild(carried);
    }
    form.submit();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (field && field.value) return;
    if (new URL(form.action, window.location.href).origin !== window.location.origin) return;
    event.preventDefault();
    var submitter = event.submitter;
    token().then(
      function (value) {
        if (!field) {
          field = document.createElement("input");
          field.type = "hidden";
          field.name = "csrfmiddlewaretoken";
          form.appendChild(field);
        }
        field.value = value;
        resubmit(form, submitter);
      },
      function () { form.submit(); }  // the server answers with its own refusal page
    );
  });
})();
