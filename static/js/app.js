// Xuanshang: keyboard moves in the inbox (j/k to move, Enter to open the lead).
(function () {
  "use strict";

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#lead-table tbody.lead"));
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (target && target.isContentEditable);
  }

  function move(step) {
    var all = rows();
    if (!all.length) return;
    var current = all.findIndex(function (row) { return row.classList.contains("is-current"); });
    var next = Math.max(0, Math.min(all.length - 1, current < 0 ? 0 : current + step));
    all.forEach(function (row) { row.classList.remove("is-current"); });
    var row = all[next];
    row.classList.add("is-current");
    var focusable = row.querySelector("tr.lead-row");
    if (focusable) focusable.focus({ preventScroll: false });
    row.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    if (!document.getElementById("lead-table")) return;
    if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(-1); event.preventDefault(); }
    else if (event.key === "Enter") {
      var current = document.querySelector("#lead-table tbody.lead.is-current");
      if (current && (event.target === document.body || current.contains(event.target))) {
        if (event.target.closest && event.target.closest("a, button")) return;
        window.location.href = current.dataset.href;
        event.preventDefault();
      }
    }
  });

  // A row re-rendered by htmx (outerHTML swap) keeps the keyboard position.
  var currentId = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    currentId = target && target.classList && target.classList.contains("is-current") ? target.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!currentId) return;
    var row = document.getElementById(currentId);
    if (row) row.classList.add("is-current");
    currentId = null;
  });
})();
