// The page "Dossier en préparation": once the poll says the file is ready (the fragment
// carries data-download), the browser fetches it, as a download, without leaving the page.
(function () {
  "use strict";
  function fetchWhenReady() {
    var ready = document.querySelector("#preparing[data-download]");
    if (ready && !ready.dataset.fetched) {
      ready.dataset.fetched = "1";
      window.location.assign(ready.dataset.download);
    }
  }
  document.addEventListener("htmx:afterSettle", fetchWhenReady);
  document.addEventListener("DOMContentLoaded", fetchWhenReady);
})();
