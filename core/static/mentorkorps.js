/* Starts the design system's components (DKFDS) and gives the labels its script writes in Danish
   the page's language. */
(function () {
  "use strict";
  document.documentElement.classList.add("mk-js");
  // Accordion sections the page starts closed (data-mk-closed): the server renders every section
  // open, so without script everything stays readable; the section the address points into opens.
  var target = location.hash.length > 1 ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
  document.querySelectorAll(".accordion-button[data-mk-closed]").forEach(function (button) {
    var item = button.closest("li");
    if (!(target && item && item.contains(target))) {
      button.setAttribute("aria-expanded", "false");
    }
  });
  // The answer to a form may open the page further down (#participants): its messages, rendered at
  // the top, would be out of sight there, on a phone above all. They move to just below the heading
  // the address points to (or into the section it names), and that place is brought into view.
  var flashes = document.querySelector("[data-mk-flashes]");
  if (flashes && target && target !== document.getElementById("main-content")) {
    var heading = /^H[1-6]$/.test(target.tagName) ? target : target.querySelector("h1, h2, h3, h4, h5, h6");
    if (heading) {
      heading.after(flashes);
    } else {
      target.prepend(flashes);
    }
    target.scrollIntoView({block: "start"});
  }
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
  // A refused form's error summary takes focus, so the reader starts at the list of errors and its
  // links (DKFDS's ErrorSummary does so too, but only when its script has loaded and run).
  var errorSummary = document.querySelector('[data-module="error-summary"]');
  if (errorSummary && document.activeElement !== errorSummary) {
    errorSummary.focus();
  }
  document.querySelectorAll("[data-more-label]").forEach(function (nav) {
    nav.querySelectorAll(".more-button span").forEach(function (span) {
      span.textContent = nav.getAttribute("data-more-label");
    });
  });
  // A text filter on a long list of choices (a select, or checkboxes marked data-mk-choice). The
  // filter is in the page but hidden, so without script the whole list works as it is. Ticked and
  // chosen entries stay in view; when one entry is left, the select chooses it.
  function folded(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  document.querySelectorAll("[data-mk-filter]").forEach(function (box) {
    var list = document.getElementById(box.getAttribute("data-mk-filter"));
    var input = box.querySelector("input");
    var count = box.querySelector("[data-mk-filter-count]");
    if (!list || !input) {
      return;
    }
    var select = list.tagName === "SELECT" ? list : null;
    var entries = select ? Array.prototype.filter.call(select.options, function (o) { return o.value !== ""; })
                         : Array.prototype.slice.call(list.querySelectorAll("[data-mk-choice]"));
    var placeholders = select ? Array.prototype.filter.call(select.options, function (o) { return o.value === ""; }) : [];
    function kept(entry, words) {
      var chosen = select ? entry.selected : entry.querySelector("input:checked") !== null;
      var text = folded(entry.textContent);
      return chosen || words.every(function (word) { return text.indexOf(word) !== -1; });
    }
    function apply() {
      var words = folded(input.value).split(/\s+/).filter(Boolean);
      var shown = entries.filter(function (entry) { return kept(entry, words); });
      if (select) {
        var value = select.value;
        select.replaceChildren.apply(select, placeholders.concat(shown));
        select.value = shown.length === 1 && words.length ? shown[0].value : value;
        if (select.selectedIndex < 0) { select.selectedIndex = 0; }
      } else {
        entries.forEach(function (entry) { entry.hidden = shown.indexOf(entry) === -1; });
      }
      if (count) {
        count.textContent = words.length ? count.getAttribute("data-template")
          .replace("{shown}", shown.length).replace("{total}", entries.length) : "";
      }
    }
    input.addEventListener("input", apply);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // filtering, not sending the form
    });
    box.hidden = false;
  });
})();
