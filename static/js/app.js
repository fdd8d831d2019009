// SafetyMonth front-end glue. No inline scripts anywhere (CSP): behaviour hangs on data- attributes.
(function () {
  "use strict";
  // Submit a form when a control marked data-autosubmit changes (language switch, filters).
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });
  // Ask before a destructive action: <button data-confirm="...">.
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest ? ev.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      ev.preventDefault();
      ev.stopPropagation();
    }
  }, true);
})();
