// Repeated rows of a form (household members, important places) without a page load:
// "add a person" copies the blank row the page carries, "remove" takes a row out and
// numbers the rows after it again. Without scripts the same buttons post the form and the
// server does the same (src/web/repeat.rs), so both ways give the same names and values.
(function () {
  "use strict";

  // Every attribute that carries a row number: names, ids, label targets, descriptions.
  var NUMBERED = ["name", "id", "for", "aria-describedby"];

  function renumber(row, section, index) {
    var group = section.getAttribute("data-repeat").replace(/s$/, "");
    var pattern = new RegExp("(" + group + "_[a-z_]+?_)\\d+", "g");
    var legend = row.querySelector("legend");
    var oldWords = legend.textContent;
    var newWords = section.getAttribute("data-legend").replace("{n}", String(index + 1));
    legend.textContent = newWords;
    row.querySelectorAll("*").forEach(function (el) {
      NUMBERED.forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(pattern, "$1" + index));
      });
      if (el.tagName === "LABEL" && oldWords !== newWords) {
        el.childNodes.forEach(function (node) {
          if (node.nodeType === 3) node.textContent = node.textContent.split(oldWords).join(newWords);
        });
      }
    });
    var remove = row.querySelector("[data-repeat-remove]");
    if (remove) {
      remove.value = "remove_" + group + "_" + index;
      remove.textContent = section.getAttribute("data-remove").replace("{n}", String(index + 1));
    }
  }

  function update(section) {
    var rows = section.querySelectorAll("[data-repeat-rows] > fieldset");
    var blank = section.querySelector("template[data-repeat-blank]");
    var max = parseInt(section.getAttribute("data-max"), 10);
    section.querySelector("[data-repeat-count]").value = String(rows.length);
    rows.forEach(function (row, i) {
      renumber(row, section, i);
      var line = row.querySelector(".row-actions");
      if (!line && rows.length > 1) {
        var template = blank.content.querySelector(".row-actions").cloneNode(true);
        row.appendChild(template);
        renumber(row, section, i);
      } else if (line) {
        line.hidden = rows.length < 2;
      }
    });
    var full = rows.length >= max;
    section.querySelector("[data-repeat-add-line]").hidden = full;
    section.querySelector("[data-repeat-full]").hidden = !full;
  }

  function firstField(row) {
    return row.querySelector("input, select, textarea");
  }

  document.querySelectorAll("section[data-repeat]").forEach(function (section) {
    var list = section.querySelector("[data-repeat-rows]");
    var blank = section.querySelector("template[data-repeat-blank]");
    if (!list || !blank) return;
    section.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || !section.contains(button)) return;
      if (button.hasAttribute("data-repeat-add")) {
        event.preventDefault();
        var row = blank.content.querySelector("fieldset").cloneNode(true);
        list.appendChild(row);
        update(section);
        firstField(row).focus();
      } else if (button.hasAttribute("data-repeat-remove")) {
        event.preventDefault();
        var gone = button.closest("fieldset");
        var rows = Array.prototype.slice.call(list.children);
        var at = rows.indexOf(gone);
        gone.remove();
        update(section);
        var next = list.children[Math.min(at, list.children.length - 1)];
        if (next) firstField(next).focus();
      }
    });
  });
})();
