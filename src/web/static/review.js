// Bleibe run review: "select all" and a live count of the ticked suggestions. The page
// works without this script (the confirmation page counts what was ticked).
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[form=bulk][name=proposal]"));
  var all = document.getElementById("tick-all");
  var count = document.getElementById("tick-count");
  if (!boxes.length || !all || !count) { return; }
  var template = count.getAttribute("data-template") || "{n}";
  function update() {
    var n = boxes.filter(function (b) { return b.checked; }).length;
    count.textContent = template.replace("{n}", String(n)).replace("{total}", String(boxes.length));
    all.checked = n === boxes.length;
    all.indeterminate = n > 0 && n < boxes.length;
  }
  all.closest(".select-all").hidden = false;
  count.hidden = false;
  all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
    update();
  });
  boxes.forEach(function (b) { b.addEventListener("change", update); });
  update();
}());
