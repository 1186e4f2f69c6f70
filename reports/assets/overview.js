/* Overview table: filter and sort in the page. Inlined at render time; fetches nothing. */
(function () {
  "use strict";
  var table = document.getElementById("sites");
  if (!table) { return; }
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var input = document.getElementById("filter");
  var verdict = document.getElementById("verdict-filter");
  var shown = document.getElementById("shown-count");
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var collator = typeof Intl !== "undefined" ? new Intl.Collator(document.documentElement.lang || "zh-CN") : null;

  function apply() {
    var query = input.value.trim().toLowerCase();
    var wanted = verdict.value;
    var count = 0;
    rows.forEach(function (row) {
      var text = row.getAttribute("data-search") || row.textContent.toLowerCase();
      var ok = (!query || text.indexOf(query) !== -1) &&
        (!wanted || row.getAttribute("data-verdict") === wanted);
      row.hidden = !ok;
      if (ok) { count += 1; }
    });
    shown.textContent = String(count);
  }

  function sortKey(cell, type) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null) { raw = cell.textContent.trim(); }
    if (type === "number") {
      var n = parseFloat(raw);
      return isNaN(n) ? -Infinity : n;
    }
    return raw;
  }

  function compare(a, b, type) {
    if (type === "number") { return a < b ? -1 : (a > b ? 1 : 0); }
    return collator ? collator.compare(a, b) : (a < b ? -1 : (a > b ? 1 : 0));
  }

  headers.forEach(function (th, index) {
    var button = th.querySelector("button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var type = th.getAttribute("data-type") || "text";
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      var keyed = rows.map(function (row, i) {
        return { row: row, key: sortKey(row.cells[index], type), i: i };
      });
      keyed.sort(function (a, b) { return dir * compare(a.key, b.key, type) || a.i - b.i; });
      rows = keyed.map(function (k) { return k.row; });
      var frag = document.createDocumentFragment();
      rows.forEach(function (row) { frag.appendChild(row); });
      tbody.appendChild(frag);
    });
  });

  input.addEventListener("input", apply);
  verdict.addEventListener("change", apply);
  apply();
})();
