// The monthly actuals grid (roi/tracking): move between cells with the arrows and Enter,
// paste a spreadsheet's column (or block) into consecutive cells, and keep the count of
// missing actuals up to date. No inline script (CSP): this file is loaded by the page.
(function () {
  "use strict";
  var form = document.getElementById("actuals-form");
  if (!form) { return; }
  var rows = Array.prototype.map.call(
    form.querySelectorAll("tr[data-line]"),
    function (tr) { return Array.prototype.slice.call(tr.querySelectorAll("input.actual-input")); }
  ).filter(function (cells) { return cells.length > 0; });
  var counter = document.getElementById("missing-count");

  function position(input) {
    for (var r = 0; r < rows.length; r++) {
      var c = rows[r].indexOf(input);
      if (c >= 0) { return [r, c]; }
    }
    return null;
  }

  function cellAt(r, c) {
    if (r < 0 || r >= rows.length) { return null; }
    return rows[r][c] || null;
  }

  function focus(input) {
    if (!input) { return; }
    input.focus();
    input.select();
  }

  function refreshMissing() {
    var missing = 0;
    form.querySelectorAll("input.actual-input[data-active]").forEach(function (input) {
      var empty = input.value.trim() === "";
      input.classList.toggle("is-missing", empty);
      if (empty) { missing += 1; }
    });
    if (!counter) { return; }
    var text = missing === 0 ? counter.dataset.templateNone
      : missing === 1 ? counter.dataset.templateOne
      : counter.dataset.templateMany.replace("%(n)s", String(missing));
    counter.textContent = text;
    counter.classList.toggle("text-bg-warning", missing > 0);
    counter.classList.toggle("text-bg-success", missing === 0);
  }

  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("actual-input")) { return; }
    var at = position(input);
    if (!at) { return; }
    var r = at[0], c = at[1], next = null;
    var whole = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    switch (event.key) {
      case "ArrowUp": next = cellAt(r - 1, c); break;
      case "ArrowDown": next = cellAt(r + 1, c); break;
      case "Enter": next = cellAt(event.shiftKey ? r - 1 : r + 1, c); break;
      case "ArrowLeft":
        if (whole || input.selectionStart === 0) { next = cellAt(r, c - 1); }
        break;
      case "ArrowRight":
        if (whole || input.selectionEnd === input.value.length) { next = cellAt(r, c + 1); }
        break;
      default: return;
    }
    if (event.key === "Enter") { event.preventDefault(); }  // never submits by accident
    if (next) {
      event.preventDefault();
      focus(next);
    }
  });

  form.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("actual-input")) {
      event.target.select();
    }
  });

  form.addEventListener("input", function (event) {
    if (event.target.classList && event.target.classList.contains("actual-input")) {
      event.target.classList.remove("is-invalid");
      refreshMissing();
    }
  });

  // A column copied from a spreadsheet is "v1\nv2\n…" (a block: tabs between columns):
  // it fills the cells from this one downwards (and rightwards).
  form.addEventListener("paste", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("actual-input")) { return; }
    var data = (event.clipboardData || window.clipboardData);
    if (!data) { return; }
    var text = data.getData("text");
    if (!/[\t\n\r]/.test(text)) { return; }  // one value: the browser pastes it
    event.preventDefault();
    var lines = text.replace(/\r\n?/g, "\n").split("\n");
    while (lines.length && lines[lines.length - 1] === "") { lines.pop(); }
    var at = position(input);
    var last = input;
    lines.forEach(function (line, i) {
      line.split("\t").forEach(function (value, j) {
        var cell = cellAt(at[0] + i, at[1] + j);
        if (cell) {
          cell.value = value.trim();
          cell.classList.remove("is-invalid");
          last = cell;
        }
      });
    });
    refreshMissing();
    focus(last);
  });
})();
