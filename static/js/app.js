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

  // Deadline countdowns that tick (campaign pages, the home card, the dashboard):
  // <span class="sm-countdown" data-deadline="ISO 8601" data-text-...="...">server text</span>.
  // The server-rendered text is the fallback without JS; the texts come translated from the
  // template in data- attributes (no UI language in this file).
  // - default: calendar days in Beijing time: data-text-left ("{n}" days), data-text-today,
  //   data-text-overdue ("{n}" days), data-text-passed (overdue, same day);
  // - data-countdown="hours": days and hours: data-text-left and data-text-overdue ("{d}", "{h}").
  // Once the deadline has passed, the classes in data-class-overdue (default "text-bg-danger")
  // replace those in data-class-pending (default "text-bg-info text-bg-warning").
  var HOUR = 3600000;
  var DAY = 24 * HOUR;
  var BEIJING = 8 * HOUR;

  function beijingDay(ms) {
    return Math.floor((ms + BEIJING) / DAY);
  }

  function fill(template, values) {
    if (!template) { return null; }
    return template.replace(/\{([a-z])\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  function classes(el, name, fallback) {
    var value = el.getAttribute(name);
    return (value === null ? fallback : value).split(/\s+/).filter(Boolean);
  }

  function countdownText(el, deadline, now) {
    var overdue = deadline < now;
    if (el.getAttribute("data-countdown") === "hours") {
      // as the server counts (dashboard.views._countdown): whole hours of the time left or past
      var seconds = Math.floor(Math.abs(deadline - now) / 1000);
      var parts = { d: Math.floor(seconds / 86400), h: Math.floor((seconds % 86400) / 3600) };
      return fill(el.getAttribute(overdue ? "data-text-overdue" : "data-text-left"), parts);
    }
    var days = beijingDay(deadline) - beijingDay(now);
    if (overdue) {
      return days < 0 ? fill(el.getAttribute("data-text-overdue"), { n: -days }) : el.getAttribute("data-text-passed");
    }
    return days === 0 ? el.getAttribute("data-text-today") : fill(el.getAttribute("data-text-left"), { n: days });
  }

  function tickCountdowns() {
    var now = Date.now();
    document.querySelectorAll(".sm-countdown[data-deadline]").forEach(function (el) {
      var deadline = Date.parse(el.getAttribute("data-deadline"));
      if (isNaN(deadline)) { return; }
      var text = countdownText(el, deadline, now);
      if (deadline < now) {
        classes(el, "data-class-pending", "text-bg-info text-bg-warning").forEach(function (c) { el.classList.remove(c); });
        classes(el, "data-class-overdue", "text-bg-danger").forEach(function (c) { el.classList.add(c); });
      }
      if (text && el.textContent !== text) { el.textContent = text; }
    });
  }

  function start() {
    tickCountdowns();
    window.setInterval(tickCountdowns, 30000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  // htmx-swapped content (e.g. the campaign editor) gets its countdowns at once.
  document.addEventListener("htmx:afterSettle", tickCountdowns);

  // Org chooser (orgs/widgets/org_search.html): typing asks orgs:search through htmx for the first
  // matches; picking one puts its public id in the hidden input. Typing again forgets the choice
  // until a match is picked, so the form never sends an org the box no longer names.
  document.addEventListener("input", function (ev) {
    var el = ev.target;
    if (el && el.matches && el.matches("[data-org-search-text]")) {
      var box = el.closest("[data-org-search]");
      var hidden = box && box.querySelector("[data-org-search-value]");
      if (hidden) hidden.value = "";
    }
  });
  document.addEventListener("click", function (ev) {
    var pick = ev.target.closest ? ev.target.closest("[data-org-pick]") : null;
    document.querySelectorAll("[data-org-search-results]").forEach(function (list) {
      if (!pick || !list.contains(pick)) list.innerHTML = "";
    });
    if (!pick) return;
    var box = pick.closest("[data-org-search]");
    box.querySelector("[data-org-search-value]").value = pick.getAttribute("data-org-pick");
    box.querySelector("[data-org-search-text]").value = pick.getAttribute("data-org-name");
    pick.closest("[data-org-search-results]").innerHTML = "";
  });
})();
