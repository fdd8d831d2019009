// Campaign pages: the "insert blank" helper of the form editor. (The deadline countdowns that tick
// are in app.js, shared with the dashboard.) No inline scripts (CSP): behaviour hangs on data-
// attributes; htmx-swapped content is covered by event delegation.
(function () {
  "use strict";

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    if (typeof start !== "number") { start = end = textarea.value.length; }
    textarea.value = textarea.value.slice(0, start) + text + textarea.value.slice(end);
    textarea.focus();
    textarea.selectionStart = textarea.selectionEnd = start + text.length;
  }

  // <button data-insert-marker="code"> or <button data-insert-marker-from="#id_code">: put [[code]]
  // at the cursor of the form's progress text (textarea[data-marker-target]).
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest ? ev.target.closest("[data-insert-marker],[data-insert-marker-from]") : null;
    if (!btn) { return; }
    ev.preventDefault();
    var form = btn.closest("form");
    var textarea = form && form.querySelector("textarea[data-marker-target]");
    if (!textarea) { return; }
    var code = btn.getAttribute("data-insert-marker");
    if (!code) {
      var source = form.querySelector(btn.getAttribute("data-insert-marker-from"));
      code = source ? source.value.trim() : "";
    }
    if (!/^[a-z][a-z0-9_]{0,59}$/.test(code)) {
      var hint = btn.getAttribute("data-bad-code");
      if (hint) { window.alert(hint); }
      return;
    }
    insertAtCursor(textarea, "[[" + code + "]]");
  });

  // After an inline edit the whole editor is swapped in again: keep the changed place in view.
  document.addEventListener("htmx:afterSettle", function () {
    var marker = document.querySelector("[data-saved-anchor]");
    if (!marker) { return; }
    var target = document.getElementById(marker.getAttribute("data-saved-anchor"));
    marker.removeAttribute("data-saved-anchor");
    if (target) {
      var box = target.getBoundingClientRect();
      if (box.bottom < 0 || box.top > window.innerHeight) { target.scrollIntoView({ block: "start" }); }
    }
  });
})();
