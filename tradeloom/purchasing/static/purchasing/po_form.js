/* The purchase order form (purchasing/po_form.html): add and remove line rows (copies of the <template>), and show
   each line's amount and tax and the PO's subtotal, tax and total as they are typed — by the written rule
   (docs/purchasing.md): amount = quantity x price rounded half up to cents, tax per line on that amount at the line's
   own rate (else the PO's), total = subtotal + tax. The saved figures are the server's. */
(function () {
  "use strict";
  var money = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  function cents(value) { return Math.round((value + (value >= 0 ? 1 : -1) * 1e-9) * 100) / 100; }
  function number(root, selector) {
    var input = root.querySelector(selector);
    if (!input || input.value.trim() === "") return null;
    var value = Number(input.value);
    return isFinite(value) ? value : null;
  }
  function recompute(form) {
    var poRate = number(form, "[data-po-tax]") || 0;
    var currency = (form.querySelector("[data-po-currency]") || {}).value || form.dataset.currency || "";
    var subtotal = 0, tax = 0, counted = 0;
    form.querySelectorAll("[data-po-line]").forEach(function (row) {
      var quantity = number(row, "[data-po-qty]");
      var price = number(row, "[data-po-price]");
      var own = number(row, "[data-po-line-tax]");
      var amountOut = row.querySelector("[data-po-amount]");
      var taxOut = row.querySelector("[data-po-line-tax-out]");
      if (quantity === null || price === null) {
        amountOut.textContent = "—";
        taxOut.textContent = "";
        return;
      }
      var amount = cents(quantity * price);
      var lineTax = cents(amount * (own === null ? poRate : own) / 100);
      subtotal += amount;
      tax += lineTax;
      counted += 1;
      amountOut.textContent = money.format(amount);
      taxOut.textContent = "tax " + money.format(lineTax);
    });
    subtotal = cents(subtotal);
    tax = cents(tax);
    var prefix = currency ? currency.toUpperCase() + " " : "";
    form.querySelector("[data-po-subtotal]").textContent = counted ? money.format(subtotal) : "—";
    form.querySelector("[data-po-tax-total]").textContent = counted ? money.format(tax) : "—";
    form.querySelector("[data-po-total]").textContent = counted ? prefix + money.format(cents(subtotal + tax)) : "—";
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-po-form]").forEach(recompute);
  });
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("[data-po-form]");
    if (form) recompute(form);
  });
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("[data-po-form]");
    if (form) recompute(form);
  });
  document.addEventListener("click", function (event) {
    var form = event.target.closest("[data-po-form]");
    if (!form) return;
    var button = event.target.closest("button");
    if (!button) return;
    if (button.hasAttribute("data-po-add")) {
      var body = form.querySelector("[data-po-lines]");
      var n = Number(body.dataset.nextRow || 0);
      body.dataset.nextRow = String(n + 1);
      var holder = document.createElement("template");
      holder.innerHTML = document.getElementById("po-line-template").innerHTML.replace(/__n__/g, String(n));
      var row = holder.content.querySelector("[data-po-line]");
      var rows = body.querySelectorAll("[data-po-line]");
      var previous = rows.length ? rows[rows.length - 1] : null;
      if (previous) {  // a new line usually shares the previous one's unit and tax rate
        ["unit", "tax_rate"].forEach(function (name) {
          var from = previous.querySelector("[name$='-" + name + "']");
          var to = row.querySelector("[name$='-" + name + "']");
          if (from && to) to.value = from.value;
        });
      }
      body.appendChild(row);
      recompute(form);
      row.querySelector("select, input:not([type=hidden])").focus();
    } else if (button.hasAttribute("data-po-remove")) {
      button.closest("[data-po-line]").remove();
      recompute(form);
    }
  });
})();
