/* Report pages: each section's chart is drawn with Chart.js from the figures of the section's own
   data table (data-value on each row), so chart and table can never disagree. The table stays the
   accessible source; the chart is one colour, so it reads without colour. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var ink = "#1a1a1a";
  var bar = "#004993";

  function rowsOf(figure) {
    var body = document.getElementById(figure.getAttribute("data-table"));
    if (!body) { return []; }
    return Array.prototype.map.call(body.querySelectorAll("tr[data-value]"), function (tr) {
      return { label: tr.querySelector("th").textContent.trim(), value: Number(tr.getAttribute("data-value")) };
    });
  }

  document.querySelectorAll("figure.mk-report-chart").forEach(function (figure) {
    var rows = rowsOf(figure);
    var canvas = figure.querySelector("canvas");
    if (!rows.length || !canvas) { return; }
    var line = figure.getAttribute("data-chart") === "line";
    // Enough height for one bar per row; a line chart gets a fixed height.
    figure.style.height = (line ? 260 : Math.max(140, 36 * rows.length + 60)) + "px";
    new Chart(canvas, {
      type: line ? "line" : "bar",
      data: {
        labels: rows.map(function (r) { return r.label; }),
        datasets: [{ data: rows.map(function (r) { return r.value; }), backgroundColor: bar, borderColor: bar,
                     pointRadius: 3, fill: false }]
      },
      options: {
        indexAxis: line ? "x" : "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 300 },
        plugins: { legend: { display: false }, tooltip: { enabled: true } },
        scales: {
          x: { beginAtZero: true, ticks: { color: ink, precision: 0 } },
          y: { beginAtZero: true, ticks: { color: ink, precision: 0 } }
        }
      }
    });
  });
})();
