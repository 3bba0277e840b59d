/* The T&A template form (tna/template_form.html): add a milestone row (a copy of the <template>, its prefix the next
   number) and remove one. The rows are checked by the server. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var form = event.target.closest("[data-tna-template-form]");
    if (!form) return;
    var button = event.target.closest("button");
    if (!button) return;
    if (button.hasAttribute("data-tna-add")) {
      var body = form.querySelector("[data-tna-rows]");
      var n = Number(body.dataset.nextRow || 0);
      body.dataset.nextRow = String(n + 1);
      var holder = document.createElement("template");
      holder.innerHTML = document.getElementById("tna-row-template").innerHTML.replace(/__n__/g, String(n));
      var row = holder.content.querySelector("[data-tna-row]");
      body.appendChild(row);
      row.querySelector("input").focus();
    } else if (button.hasAttribute("data-tna-remove")) {
      button.closest("[data-tna-row]").remove();
    }
  });
})();
