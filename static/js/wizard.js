// Small helpers for the wizard; everything works without them, they only make it smoother.
(function () {
  "use strict";
  // Qualitative benefits: add a row, remove a row, add a suggestion.
  function benefitRow(text) {
    var list = document.getElementById("benefit-list");
    var row = document.createElement("div");
    row.className = "input-group benefit-row";
    var input = document.createElement("input");
    input.className = "form-control";
    input.name = "benefit";
    input.dataset.maxlength = "500";
    input.value = text || "";
    input.setAttribute("aria-label", document.getElementById("add-benefit").textContent.replace("+", "").trim());
    row.appendChild(input);
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn btn-outline-secondary remove-benefit";
    remove.textContent = "×";
    remove.setAttribute("aria-label", list.dataset.removeLabel || "×");
    row.appendChild(remove);
    list.appendChild(row);
    return input;
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.id === "add-benefit") {
      benefitRow("").focus();
    } else if (target.classList.contains("suggestion")) {
      var text = target.dataset.text;
      var inputs = document.querySelectorAll("#benefit-list input[name=benefit]");
      var empty = Array.prototype.find.call(inputs, function (i) { return !i.value.trim(); });
      var exists = Array.prototype.some.call(inputs, function (i) { return i.value.trim() === text; });
      if (!exists) { (empty || benefitRow("")).value = text; }
      target.disabled = true;
    } else if (target.classList.contains("remove-benefit")) {
      target.closest(".benefit-row").remove();
    }
  });
  // An open line form that was typed into is not lost silently when leaving the page.
  var dirty = false;
  document.addEventListener("input", function (event) {
    if (event.target.closest(".line-form")) { dirty = true; }
  });
  document.addEventListener("htmx:afterSwap", function () {
    dirty = document.querySelector(".line-form") !== null && dirty;
    var first = document.querySelector(".line-form input[name=label], .line-form input:not([type=hidden])");
    if (first && !first.dataset.focused) { first.dataset.focused = "1"; first.focus(); }
  });
  document.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && document.querySelector(".line-form")) { event.preventDefault(); event.returnValue = ""; }
  });
})();
