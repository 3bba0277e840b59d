/* The production pages' behaviour (no inline scripts: the Content-Security-Policy forbids them).
   - The work-order form (production/work_order_form.html): choosing another sales order shows its lines (the
     "Show its lines" button, which works without JavaScript too); typing a line's quantity ticks the line; the sum of
     the ticked lines is shown (the work order's quantity when its field is left empty).
   - Progress charts on the order page's Production tab (production/_order_panel.html), which the order page loads
     without Chart.js: the tab's canvas names the vendored script (data-chart-src); it is loaded once and the charts
     are drawn by static/js/app.js as after any HTMX swap. */
(function () {
  "use strict";
  if (window.tradeloomProduction) {  // loaded again by a swapped tab: the listeners are already there
    window.tradeloomProduction.charts(document);
    return;
  }
  var figure = new Intl.NumberFormat("en-US", { maximumFractionDigits: 3 });

  function lineSum(form) {
    var out = form.querySelector("[data-wo-sum]");
    if (!out) return;
    var sum = 0, ticked = 0;
    form.querySelectorAll("[data-wo-line]").forEach(function (row) {
      var box = row.querySelector("input[type=checkbox]");
      var quantity = row.querySelector("input[name$='-quantity']");
      if (!box || !box.checked || !quantity || quantity.value.trim() === "") return;
      var value = Number(quantity.value);
      if (!isFinite(value)) return;
      sum += value;
      ticked += 1;
    });
    out.textContent = ticked ? ticked + " ticked, " + figure.format(sum) + " in all (the work order's quantity when it is left empty)." : "none ticked yet.";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-wo-form]").forEach(lineSum);
  });
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("[data-wo-form]");
    if (!form) return;
    if (event.target.hasAttribute("data-wo-order")) {
      var show = form.querySelector("[data-wo-show-lines]");
      if (show) (form.requestSubmit ? form.requestSubmit(show) : show.click());
      return;
    }
    lineSum(form);
  });
  document.addEventListener("input", function (event) {
    var row = event.target.closest && event.target.closest("[data-wo-line]");
    if (!row) return;
    if (event.target.name && /-quantity$/.test(event.target.name) && event.target.value.trim() !== "") {
      var box = row.querySelector("input[type=checkbox]");
      if (box) box.checked = true;
    }
    lineSum(row.closest("[data-wo-form]"));
  });

  // --- charts on a page that did not load Chart.js ------------------------------------------------------------
  var loading = false;
  function redraw() {
    document.querySelectorAll("canvas[data-chart][data-chart-src]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      canvas.parentNode.dispatchEvent(new CustomEvent("htmx:afterSwap", { bubbles: true }));
    });
  }
  function charts(root) {
    var canvas = (root || document).querySelector("canvas[data-chart][data-chart-src]:not([data-drawn])");
    if (!canvas) return;
    if (typeof window.Chart !== "undefined") { redraw(); return; }
    if (loading) return;
    loading = true;
    var script = document.createElement("script");
    script.src = canvas.dataset.chartSrc;
    script.addEventListener("load", redraw);
    document.head.appendChild(script);
  }
  window.tradeloomProduction = { charts: charts };
  document.addEventListener("htmx:afterSettle", function (event) { charts(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { charts(document); });
  } else {
    charts(document);
  }
})();
