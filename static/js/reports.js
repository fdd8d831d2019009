// Report entry: autosave of a changed form (debounced, through htmx), and a warning before leaving
// the page with input that is not saved yet. No inline script (CSP).
(function () {
  "use strict";
  var DELAY = 1500;

  function init() {
    var form = document.getElementById("report-form");
    if (!form) { return; }
    var dirty = false;      // input typed since the last successful save
    var typedSeq = 0;       // bumps on every input
    var sentSeq = 0;        // typedSeq when the last autosave was sent
    var timer = null;
    var submitting = false;

    function autosaveOn() { return form.getAttribute("data-autosave") === "on"; }

    function schedule() {
      dirty = true;
      typedSeq += 1;
      if (!autosaveOn() || !window.htmx) { return; }
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(function () {
        timer = null;
        sentSeq = typedSeq;
        window.htmx.trigger(form, "sm:autosave");
      }, DELAY);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.addEventListener("submit", function () {
      submitting = true;
      if (timer) { window.clearTimeout(timer); timer = null; }
    });

    document.body.addEventListener("htmx:afterSwap", function () {
      var status = document.getElementById("autosave-status");
      if (!status) { return; }
      if (status.hasAttribute("data-conflict") || status.hasAttribute("data-closed")) {
        form.setAttribute("data-autosave", "off");  // never overwrite: the user decides
        return;
      }
      if (status.hasAttribute("data-saved") && sentSeq === typedSeq) { dirty = false; }
    });

    window.addEventListener("beforeunload", function (ev) {
      if (dirty && !submitting) {
        ev.preventDefault();
        ev.returnValue = "";
        return "";
      }
      return undefined;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
