/* The report pages' charts (reports/report.html), drawn from <canvas data-report-chart='{…}'> (no inline scripts:
   the Content-Security-Policy forbids them). The spec: "type" (bar | line), "labels", "datasets" (Chart.js's), and
   optionally "stacked", "horizontal", "legend", "money" (a currency: compact ticks, whole amounts in the tooltip)
   and "percent" (0-100 on the value axis). */
(function () {
  "use strict";
  var palette = ["#6366f1", "#0ea5e9", "#10b981", "#f59e0b", "#f43f5e", "#a855f7", "#64748b", "#14b8a6", "#eab308", "#ec4899"];
  function draw() {
    if (typeof window.Chart === "undefined") return;
    document.querySelectorAll("canvas[data-report-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      canvas.dataset.drawn = "yes";
      var spec = JSON.parse(canvas.dataset.reportChart);
      var values = spec.horizontal ? "x" : "y";
      var scales = {};
      scales[values] = { beginAtZero: true, stacked: !!spec.stacked, ticks: { precision: 0 } };
      scales[spec.horizontal ? "y" : "x"] = { stacked: !!spec.stacked, grid: { display: false } };
      if (spec.percent) scales[values].max = 100;
      var plugins = { legend: { display: !!spec.legend, position: "bottom" } };
      if (spec.money) {
        var short = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });
        var whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
        scales[values].ticks.callback = function (value) { return short.format(value); };
        plugins.tooltip = { callbacks: { label: function (item) {
          return (item.dataset.label ? item.dataset.label + ": " : "") + spec.money + " " + whole.format(item.parsed[values]);
        } } };
      }
      new window.Chart(canvas, {
        type: spec.type,
        data: {
          labels: spec.labels,
          datasets: spec.datasets.map(function (d, n) {
            var colour = palette[n % palette.length];
            return Object.assign({ backgroundColor: colour, borderColor: colour, borderRadius: 3, maxBarThickness: 32, tension: 0.2 }, d);
          })
        },
        options: {
          indexAxis: spec.horizontal ? "y" : "x",
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: plugins,
          scales: scales
        }
      });
    });
  }
  window.addEventListener("load", draw);
})();
