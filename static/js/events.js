// Figures from event records on the report entry page (templates/campaigns/form/recorded.html):
// "采用" copies the recorded figure into its blank (and lets the autosave see the change), and the
// "differs" flag follows what is typed. No inline script (CSP).
(function () {
  "use strict";

  function flag(input) {
    var info = document.querySelector('[data-recorded-for="' + input.id + '"]');
    if (!info || !info.hasAttribute("data-recorded")) { return; }
    var badge = info.querySelector("[data-differs]");
    if (!badge) { return; }
    var entered = input.value.trim();
    var differs = entered !== "" && entered !== info.getAttribute("data-recorded");
    badge.classList.toggle("d-none", !differs);
  }

  function take(button, focus) {
    var input = document.getElementById(button.getAttribute("data-target"));
    if (!input) { return; }
    input.value = button.getAttribute("data-take");
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
    if (focus) { input.focus(); }
  }

  document.addEventListener("click", function (ev) {
    if (!ev.target.closest) { return; }
    var all = ev.target.closest("[data-take-all]");
    if (all) {
      ev.preventDefault();
      document.querySelectorAll("[data-take]").forEach(function (b) { take(b, false); });
      return;
    }
    var button = ev.target.closest("[data-take]");
    if (!button) { return; }
    ev.preventDefault();
    take(button, true);
  });

  document.addEventListener("input", function (ev) {
    var el = ev.target;
    if (el && el.matches && el.matches(".sm-blank-input")) { flag(el); }
  });
})();
