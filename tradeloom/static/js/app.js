/* Tradeloom's page behaviour. No inline scripts anywhere (the Content-Security-Policy forbids them). */
(function () {
  "use strict";

  // --- Sidebar on small screens -------------------------------------------------------------------------------
  function setSidebar(open) {
    var sidebar = document.getElementById("sidebar");
    var backdrop = document.querySelector("[data-sidebar-backdrop]");
    var toggle = document.querySelector("[data-sidebar-toggle]");
    if (!sidebar) return;
    sidebar.dataset.open = open ? "true" : "false";
    if (backdrop) backdrop.hidden = !open;
    if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-sidebar-toggle]")) setSidebar(true);
    else if (event.target.closest("[data-sidebar-backdrop]")) setSidebar(false);
    // close open menus when clicking elsewhere
    document.querySelectorAll("details[data-close-outside][open]").forEach(function (d) {
      if (!d.contains(event.target)) d.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    setSidebar(false);
    document.querySelectorAll("details[data-close-outside][open]").forEach(function (d) {
      d.removeAttribute("open");
      var summary = d.querySelector("summary");
      if (summary) summary.focus();
    });
  });

  // --- Toasts ----------------------------------------------------------------------------------------------------
  function dismissLater(toast) {
    setTimeout(function () { toast.remove(); }, 6000);
  }
  function showToast(message, level) {
    var template = document.getElementById("toast-template");
    var box = document.getElementById("toasts");
    if (!template || !box) return;
    var toast = template.content.firstElementChild.cloneNode(true);
    toast.className = "toast-" + (level === "error" ? "error" : level === "success" ? "success" : "info");
    toast.querySelector("[data-toast-message]").textContent = message;
    box.appendChild(toast);
    dismissLater(toast);
  }
  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-toast-close]");
    if (close) close.closest("[data-toast]").remove();
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#toasts [data-toast]").forEach(dismissLater);
  });
  document.addEventListener("toast", function (event) {
    if (event.detail && event.detail.message) showToast(event.detail.message, event.detail.level);
  });

  // --- Confirm dialogs: <form data-confirm="…"> or any hx element with data-confirm ----------------------------
  var pending = null;
  function askConfirm(message, onConfirm) {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      if (window.confirm(message)) onConfirm();
      return;
    }
    document.getElementById("confirm-message").textContent = message;
    pending = onConfirm;
    dialog.returnValue = "";
    dialog.showModal();
  }
  document.addEventListener("close", function (event) {
    if (event.target.id !== "confirm-dialog") return;
    var run = pending;
    pending = null;
    if (event.target.returnValue === "confirm" && run) run();
  }, true);
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset || !form.dataset.confirm || form.dataset.confirmed === "yes" || form.hasAttribute("hx-post")) return;
    event.preventDefault();
    askConfirm(form.dataset.confirm, function () {
      form.dataset.confirmed = "yes";
      form.requestSubmit ? form.requestSubmit() : form.submit();
    });
  });
  document.addEventListener("htmx:confirm", function (event) {
    var element = event.detail.elt.closest("[data-confirm]");
    if (!element) return;
    event.preventDefault();
    askConfirm(element.dataset.confirm, function () { event.detail.issueRequest(true); });
  });

  // --- Copy buttons ----------------------------------------------------------------------------------------------
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.dataset.copy);
    if (!source) return;
    navigator.clipboard.writeText(source.value || source.textContent).then(function () {
      showToast("Copied to the clipboard.", "success");
    });
  });

  // --- Errors from HTMX requests ------------------------------------------------------------------------------
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    showToast(status === 403 ? "Your role does not allow this." : "Something went wrong (" + status + ").", "error");
  });
})();

/* Charts: <canvas data-chart='{"type": "bar", "labels": [...], "datasets": [...]}'> (Chart.js loaded by the page).
   Optional: "horizontal": true (bars along x, labels down the side), "money": "USD" (values are amounts in that
   currency: short ticks, 12.5k, and full amounts in the tooltip), "legend": true. */
(function () {
  "use strict";
  function drawCharts(root) {
    if (typeof window.Chart === "undefined") return;
    (root || document).querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      var spec = JSON.parse(canvas.dataset.chart);
      canvas.dataset.drawn = "yes";
      var values = spec.horizontal ? "x" : "y";
      var scales = {};
      scales[values] = { beginAtZero: true, ticks: { precision: 0 } };
      scales[spec.horizontal ? "y" : "x"] = { grid: { display: false } };
      var plugins = { legend: { display: !!spec.legend } };
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
          datasets: spec.datasets.map(function (d) {
            return Object.assign({ backgroundColor: "#6366f1", borderRadius: 4, maxBarThickness: 28 }, d);
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
  window.addEventListener("load", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawCharts(event.target); });
})();

/* The order form: add and remove styles and lines (copies of the <template>s the page carries), copy the first
   line's value of a column to every line, and show each line's value and profit (with its margin) in the order's
   currency as they are typed (the order page shows the saved figures; these follow sales.money: a missing selling or
   mill price is not a zero one, commission is taken off the profit). Rows are
   numbered by prefix (s0-l2-…); gaps left by removals are fine. */
(function () {
  "use strict";
  var amount = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });  // as floatformat:"2g"
  function fromTemplate(id, style, line) {
    var template = document.getElementById(id);
    var html = template.innerHTML.replace(/__s__/g, style).replace(/__l__/g, line);
    var holder = document.createElement("template");
    holder.innerHTML = html;
    return holder.content.querySelector(id === "line-template" ? "[data-line-row]" : "fieldset");
  }
  function number(row, name) {
    var input = row.querySelector("[name$='-" + name + "']");
    if (!input || input.value.trim() === "") return null;
    var value = Number(input.value);
    return isFinite(value) ? value : null;
  }
  function cents(value) { return Math.round(value * 100) / 100; }
  function showFigures(row) {
    var box = row.querySelector("[data-line-figures]");
    if (!box) return;
    var quantity = number(row, "quantity");
    var price = number(row, "selling_price");
    var mill = number(row, "mill_price");
    var commission = number(row, "commission_per_unit") || 0;
    var valueText = "—", profitText = "";
    if (quantity !== null) {
      if (price === null) valueText = "price missing";
      else valueText = amount.format(cents(quantity * price));
      if (mill === null) profitText = "cost missing";
      else if (price !== null) {
        var value = cents(quantity * price);
        var profit = cents(value - cents(quantity * mill) - cents(quantity * commission));
        profitText = amount.format(profit) + (value ? " · " + Math.round(profit / value * 100) + " %" : "");
      }
    }
    box.querySelector("[data-figure=value]").textContent = valueText;
    box.querySelector("[data-figure=profit]").textContent = profitText;
  }
  function showCurrency(form) {  // the figures' header names the order's currency
    if (!form) return;  // a currency field outside an order form (a payment, a letter of credit)
    var input = form.querySelector("[name=currency]");
    var currency = (input && input.value) || form.dataset.currency || "";
    form.querySelectorAll("[data-order-currency]").forEach(function (label) {
      label.textContent = currency ? "(" + currency + ")" : "";
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-order-form]").forEach(showCurrency);
    document.querySelectorAll("[data-order-form] [data-line-row]").forEach(showFigures);
  });
  document.addEventListener("input", function (event) {
    var row = event.target.closest && event.target.closest("[data-order-form] [data-line-row]");
    if (row) showFigures(row);
    else if (event.target.name === "currency") showCurrency(event.target.closest("[data-order-form]"));
  });
  document.addEventListener("click", function (event) {
    var form = event.target.closest("[data-order-form]");
    if (!form) return;
    var button = event.target.closest("button");
    if (!button) return;
    if (button.hasAttribute("data-add-style")) {
      var styles = form.querySelector("[data-styles]");
      var index = Number(styles.dataset.nextStyle || 0);
      styles.dataset.nextStyle = String(index + 1);
      var block = fromTemplate("style-template", index, 0);
      styles.appendChild(block);
      showCurrency(form);
      block.querySelectorAll("[data-line-row]").forEach(showFigures);
      block.querySelector("input").focus();
    } else if (button.hasAttribute("data-add-line")) {
      var style = button.closest("[data-style]");
      var n = Number(style.dataset.nextLine || 0);
      style.dataset.nextLine = String(n + 1);
      var body = style.querySelector("[data-lines]");
      var rows = body.querySelectorAll("[data-line-row]");
      var previous = rows.length ? rows[rows.length - 1] : null;
      var row = fromTemplate("line-template", style.dataset.styleIndex, n);
      if (previous) {  // a new colour usually shares the previous one's unit, mill and dates
        ["unit", "supplier", "item", "etd", "eta"].forEach(function (name) {
          var from = previous.querySelector("[name$='-" + name + "']");
          var to = row.querySelector("[name$='-" + name + "']");
          if (from && to) to.value = from.value;
        });
      }
      body.appendChild(row);
      showFigures(row);
      row.querySelector("input").focus();
    } else if (button.hasAttribute("data-remove-line")) {
      button.closest("[data-line-row]").remove();
    } else if (button.hasAttribute("data-remove-style")) {
      button.closest("[data-style]").remove();
    } else if (button.dataset.copyColumn) {
      var selector = "[data-line-row] [name$='-" + button.dataset.copyColumn + "']";
      var first = button.closest("[data-line-grid]").querySelector(selector);
      if (!first) return;
      var targets = form.querySelectorAll(selector);
      targets.forEach(function (input) { input.value = first.value; });
      form.querySelectorAll("[data-line-row]").forEach(showFigures);
      document.dispatchEvent(new CustomEvent("toast", {
        detail: { message: "Copied to " + targets.length + " line" + (targets.length === 1 ? "" : "s") + ".", level: "success" }
      }));
    }
  });
})();
