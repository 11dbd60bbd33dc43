/* Starts the design system's components (DKFDS) and gives the labels its script writes in Danish
   the page's language. */
(function () {
  "use strict";
  document.documentElement.classList.add("mk-js");
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
  document.querySelectorAll("[data-more-label]").forEach(function (nav) {
    nav.querySelectorAll(".more-button span").forEach(function (span) {
      span.textContent = nav.getAttribute("data-more-label");
    });
  });
})();
