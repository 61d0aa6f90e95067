// Form behaviour that would otherwise be inline script (forbidden by the pages' CSP): a
// <select data-submit-on-change> submits its form when a value is picked.
(function () {
  "use strict";
  function wire() {
    document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
