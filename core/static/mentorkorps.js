/* Starts the design system's components (DKFDS) and gives the labels its script writes in Danish
   the page's language. */
(function () {
  "use strict";
  document.documentElement.classList.add("mk-js");
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
})();
