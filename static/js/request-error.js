// An htmx request that fails (the server answers 5xx, or cannot be reached) swaps nothing:
// what the user typed stays on the screen. This says so, in the notice the base page holds
// (#request-error, in the user's language), and hides it again once a request succeeds.
// 4xx answers are the pages' own business (403, 404, 409, a form's 422).
(function () {
  "use strict";
  function notice() { return document.getElementById("request-error"); }
  function show() {
    var box = notice();
    if (box) { box.hidden = false; box.scrollIntoView({block: "nearest"}); }
  }
  document.addEventListener("htmx:sendError", show);
  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr.status >= 500) { show(); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var box = notice();
    if (box && event.detail.successful) { box.hidden = true; }
  });
})();
