/* Report pages: each section's chart is drawn with Chart.js from the figures of the section's own
   data table (data-value on each row), so chart and table can never disagree. The table stays the
   accessible source; the chart is one colour, so it reads without colour. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var ink = "#1a1a1a";
  var bar = "#004993";
  var measure = document.createElement("canvas").getContext("2d");

  function rowsOf(figure) {
    var body = document.getElementById(figure.getAttribute("data-table"));
    if (!body) { return []; }
    return Array.prototype.map.call(body.querySelectorAll("tr[data-value]"), function (tr) {
      return { label: tr.querySelector("th").textContent.trim(), value: Number(tr.getAttribute("data-value")) };
    });
  }

  // Chart.js gives the labels of a bar chart's axis at most half the chart's width and cuts off a
  // longer label ("...ikker, end en frivillig social mentor skal deltage i"): break it into lines
  // that fit instead.
  function labelWidth(chartWidth) { return Math.max(60, chartWidth / 2 - 24); }

  function wrap(text, width) {
    measure.font = Chart.defaults.font.size + "px " + Chart.defaults.font.family;
    var lines = [];
    String(text).split(/\s+/).forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && measure.measureText(lines[last] + " " + word).width <= width) {
        lines[last] += " " + word;
      } else {
        lines.push(word);
      }
    });
    return lines.length > 1 ? lines : (lines[0] || "");
  }

  // One bar per row, each tall enough for its label's lines.
  function barHeight(rows, chartWidth) {
    var width = labelWidth(chartWidth);
    return rows.reduce(function (sum, row) {
      var lines = wrap(row.label, width);
      return sum + 22 + 14 * (Array.isArray(lines) ? lines.length : 1);
    }, 60);
  }

  document.querySelectorAll("figure.mk-report-chart").forEach(function (figure) {
    var rows = rowsOf(figure);
    var canvas = figure.querySelector("canvas");
    if (!rows.length || !canvas) { return; }
    var line = figure.getAttribute("data-chart") === "line";
    function height(width) { return (line ? 260 : Math.max(140, barHeight(rows, width))) + "px"; }
    figure.style.height = height(figure.clientWidth);
    var labelTicks = { color: ink, autoSkip: false, callback: function (value) {
      return wrap(this.getLabelForValue(value), labelWidth(this.chart.width));
    } };
    var valueTicks = { color: ink, precision: 0 };
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
        // A narrower chart wraps its labels into more lines: give them the height.
        onResize: function (chart, size) {
          var wanted = height(size.width);
          if (!line && figure.style.height !== wanted) { figure.style.height = wanted; }
        },
        plugins: { legend: { display: false }, tooltip: { enabled: true } },
        scales: line ? {
          x: { ticks: { color: ink } },
          y: { beginAtZero: true, ticks: valueTicks }
        } : {
          x: { beginAtZero: true, ticks: valueTicks },
          y: { ticks: labelTicks }
        }
      }
    });
  });
})();
