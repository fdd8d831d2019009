// Accounts pages: show the password inputs only when "set it myself" is chosen.
(function () {
  "use strict";
  function sync(box) {
    var checked = box.querySelector("[data-password-mode]:checked");
    var fields = box.querySelector("[data-password-fields]");
    if (!fields) { return; }
    var show = !checked || checked.value === "set";
    fields.classList.toggle("d-none", !show);
  }
  function init() {
    document.querySelectorAll("[data-password-choice]").forEach(function (box) {
      sync(box);
      box.addEventListener("change", function () { sync(box); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
