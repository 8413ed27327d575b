/* A ranked ballot paper on a phone: tap candidates in order of preference, drag (or use the arrows) to reorder.
 *
 * Progressive enhancement of the plain form: without JavaScript the voter gives each candidate a rank in a select
 * (the accessible fallback). With it, this script shows the tap-and-drag list and writes the same selects, so the
 * server receives one form whichever way the voter used. SortableJS (vendored) does the dragging.
 */
(function () {
  "use strict";
  var paper = document.querySelector("[data-rank-paper]");
  if (!paper) { return; }
  var chosen = paper.querySelector("[data-rank-chosen]");
  var pool = paper.querySelector("[data-rank-pool]");
  var empty = paper.querySelector("[data-rank-empty]");
  var selects = paper.querySelectorAll("select[data-position]");

  function labelOf(position) {
    var button = pool.querySelector('[data-option="' + position + '"]');
    return button ? button.dataset.label : position;
  }

  function write() {
    var order = Array.prototype.map.call(chosen.children, function (li) { return li.dataset.option; });
    selects.forEach(function (select) {
      var rank = order.indexOf(select.dataset.position);
      select.value = rank >= 0 ? String(rank + 1) : "";
    });
    Array.prototype.forEach.call(chosen.children, function (li, i) {
      li.querySelector("[data-rank-number]").textContent = String(i + 1);
    });
    pool.querySelectorAll("[data-option]").forEach(function (button) {
      button.hidden = order.indexOf(button.dataset.option) >= 0;
    });
    empty.hidden = order.length > 0;
  }

  function iconButton(text, label, action) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "rank-icon secondary outline";
    button.textContent = text;
    button.setAttribute("aria-label", label);
    button.dataset.action = action;
    return button;
  }

  function add(position) {
    var label = labelOf(position);
    var li = document.createElement("li");
    li.dataset.option = position;
    var number = document.createElement("span");
    number.className = "rank-number";
    number.dataset.rankNumber = "";
    var name = document.createElement("span");
    name.className = "rank-name";
    name.textContent = label;
    var statement = pool.querySelector('[data-option="' + position + '"]').dataset.statement;
    if (statement) {  // the candidate's statement stays in view once ranked
      var small = document.createElement("small");
      small.className = "rank-statement";
      small.textContent = statement;
      name.appendChild(small);
    }
    li.append(number, name,
      iconButton("↑", paper.dataset.labelUp + " " + label, "up"),
      iconButton("↓", paper.dataset.labelDown + " " + label, "down"),
      iconButton("×", paper.dataset.labelRemove + " " + label, "remove"));
    chosen.appendChild(li);
    write();
  }

  pool.addEventListener("click", function (event) {
    var button = event.target.closest("[data-option]");
    if (button) { add(button.dataset.option); }
  });

  chosen.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (!button) { return; }
    var li = button.closest("li");
    if (button.dataset.action === "remove") { li.remove(); }
    if (button.dataset.action === "up" && li.previousElementSibling) { li.parentNode.insertBefore(li, li.previousElementSibling); }
    if (button.dataset.action === "down" && li.nextElementSibling) { li.parentNode.insertBefore(li.nextElementSibling, li); }
    write();
    var again = li.isConnected ? li.querySelector('[data-action="' + button.dataset.action + '"]') : null;
    if (again) { again.focus(); }
  });

  // Start from whatever the selects already hold (a page shown again after an error keeps the voter's marks).
  Array.prototype.slice.call(selects)
    .filter(function (select) { return select.value; })
    .sort(function (a, b) { return parseInt(a.value, 10) - parseInt(b.value, 10); })
    .forEach(function (select) { add(select.dataset.position); });

  if (window.Sortable) {
    window.Sortable.create(chosen, { animation: 150, handle: ".rank-name", onSort: write });
  }
  paper.classList.add("rank-enhanced");
  write();
})();
