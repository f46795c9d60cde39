/* The header search box as an ARIA combobox. htmx puts the first results, a listbox of
   options, under the box as one types; ArrowDown and ArrowUp move through them (the box
   keeps the focus and names the chosen one in aria-activedescendant), Enter opens the
   chosen one (or, with none chosen, the results page, as the form does), Escape closes
   them. A file, not an inline script: the Content-Security-Policy forbids those. */
(function () {
  "use strict";

  function setUp(box) {
    var panel = document.querySelector(box.getAttribute("hx-target"));

    function options() {
      return Array.prototype.slice.call(panel.querySelectorAll('[role="option"]'));
    }

    function chosen() {
      var id = box.getAttribute("aria-activedescendant");
      return id ? document.getElementById(id) : null;
    }

    function choose(option) {
      options().forEach(function (each) {
        each.setAttribute("aria-selected", each === option ? "true" : "false");
      });
      if (option) {
        box.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      } else {
        box.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      choose(null);
      panel.replaceChildren();
      box.setAttribute("aria-expanded", "false");
    }

    box.addEventListener("keydown", function (event) {
      var list = options();
      var at = list.indexOf(chosen());
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!list.length) return;
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = at < 0 ? (step > 0 ? 0 : list.length - 1)
                          : (at + step + list.length) % list.length;
        choose(list[next]);
      } else if (event.key === "Enter" && at >= 0) {
        var link = list[at].querySelector("a[href]");
        if (link) {
          event.preventDefault();
          window.location.assign(link.href);
        }
      } else if (event.key === "Escape" && list.length) {
        event.preventDefault();  // a search box would also clear what was typed
        close();
      }
    });

    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target !== panel) return;
      choose(null);
      box.setAttribute("aria-expanded", options().length ? "true" : "false");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("site-search-q");
    if (box) setUp(box);
  });
})();
