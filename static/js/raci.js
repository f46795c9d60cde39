/* The RACI grid. Each cell's <select> is sent with only its current letter, and gets
   the other letters here from the page's one <template id="raci-letters"> (on load and
   whenever htmx swaps a row in): the page stays a fraction of the size with every cell
   still a native, keyboard-operable <select>.
   The reassign dialog: Escape cancels it (as its Cancel button does) and, while it is
   open, Tab and Shift+Tab stay inside it. No inline script (CSP). */
(function () {
  "use strict";

  function fillLetters(root) {
    var template = document.getElementById("raci-letters");
    if (!template || !root.querySelectorAll) { return; }
    var selects = root.matches && root.matches("select[data-letters]") ? [root] :
      root.querySelectorAll("select[data-letters]");
    Array.prototype.forEach.call(selects, function (select) {
      var current = select.value;
      var focused = document.activeElement === select;
      select.replaceChildren(template.content.cloneNode(true));
      select.value = current;
      if (focused) { select.focus(); }
      select.removeAttribute("data-letters");
    });
  }

  fillLetters(document);
  document.addEventListener("htmx:load", function (event) { fillLetters(event.target); });

  var TABBABLE = "button:not([disabled]), [href], select:not([disabled]), " +
    "textarea:not([disabled]), input:not([type=hidden]):not([disabled]), " +
    "[tabindex]:not([tabindex='-1'])";

  function openDialog() {
    return document.querySelector("dialog.raci-dialog[open]");
  }

  /* What Tab visits, in order: of a radio group only the checked radio (or the first). */
  function tabbables(dialog) {
    var seen = {};
    return Array.prototype.filter.call(dialog.querySelectorAll(TABBABLE), function (el) {
      if (el.type !== "radio") { return true; }
      if (seen[el.name]) { return false; }
      var checked = dialog.querySelector("input[type=radio][name='" + el.name + "']:checked");
      if ((checked || el) === el) { seen[el.name] = true; return true; }
      return false;
    });
  }

  function sameStop(a, b) {
    return a === b || (a && b && a.type === "radio" && b.type === "radio" && a.name === b.name);
  }

  /* Close at once (nothing was changed), then let the Cancel button fetch the row back. */
  function cancel(dialog) {
    var button = dialog.querySelector(".actions button[type=button]");
    dialog.close();
    if (button) { button.click(); }
  }

  document.addEventListener("keydown", function (event) {
    var dialog = openDialog();
    if (!dialog) { return; }
    if (event.key === "Escape") {
      event.preventDefault();
      cancel(dialog);
      return;
    }
    if (event.key !== "Tab") { return; }
    var stops = tabbables(dialog);
    if (!stops.length) { return; }
    var first = stops[0];
    var last = stops[stops.length - 1];
    var active = document.activeElement;
    if (!dialog.contains(active)) {
      event.preventDefault();
      first.focus();
    } else if (event.shiftKey && sameStop(active, first)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && sameStop(active, last)) {
      event.preventDefault();
      first.focus();
    }
  });

  /* Focus that lands outside (a click on the page behind) comes back to the dialog. */
  document.addEventListener("focusin", function (event) {
    var dialog = openDialog();
    if (dialog && !dialog.contains(event.target)) {
      var stops = tabbables(dialog);
      if (stops.length) { stops[0].focus(); }
    }
  });
})();
