// Progressive enhancements. Every page works without this file, with one
// exception: pages served to visitors who are not signed in are cached for
// everyone and so carry no CSRF token; their forms (the language switch) and
// htmx requests take it from the csrftoken cookie here.
(function () {
  "use strict";

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function fill(form) {
    var inputs = form.querySelectorAll("input[data-csrf-cookie]");
    for (var i = 0; i < inputs.length; i++) {
      if (!inputs[i].value) {
        inputs[i].value = csrfToken();
      }
    }
  }

  document.addEventListener("submit", function (event) {
    if (event.target instanceof HTMLFormElement) {
      fill(event.target);
    }
  }, true);

  document.addEventListener("htmx:configRequest", function (event) {
    var headers = event.detail.headers;
    if (!headers["X-CSRFToken"]) {
      var token = csrfToken();
      if (token) {
        headers["X-CSRFToken"] = token;
      }
    }
  });
})();
