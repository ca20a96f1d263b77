// Text fields with a length limit (data-maxlength, set by roi/fields.py:TextField) show how
// many characters they hold once they near it. The browser's own maxlength would cut a pasted
// text without a word; here nothing is cut, the counter turns red past the limit and the
// server says so on saving. Everything works without this file.
(function () {
  "use strict";
  function counterFor(input) {
    var id = input.id ? input.id + "-count" : "";
    var counter = id ? document.getElementById(id) : null;
    if (!counter) {
      counter = document.createElement("div");
      counter.className = "form-text char-count";
      counter.setAttribute("aria-live", "polite");
      if (id) { counter.id = id; }
      (input.closest(".input-group") || input).insertAdjacentElement("afterend", counter);
    }
    return counter;
  }
  function update(input) {
    var limit = parseInt(input.dataset.maxlength, 10);
    if (!limit) { return; }
    var length = input.value.length;
    if (length < limit * 0.8 && !input.dataset.counted) { return; }
    input.dataset.counted = "1";
    var counter = counterFor(input);
    counter.textContent = length + " / " + limit;
    counter.classList.toggle("text-danger", length > limit);
    counter.classList.toggle("fw-semibold", length > limit);
  }
  function scan(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-maxlength]"), update);
  }
  document.addEventListener("input", function (event) {
    if (event.target.dataset && event.target.dataset.maxlength) { update(event.target); }
  });
  document.addEventListener("htmx:afterSwap", function (event) { scan(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
  } else {
    scan(document);
  }
})();
