// Shortlist page: slider read-outs, presets and profile weights, scope fields, compare picks.
// The ranking itself is re-rendered by htmx (hx-get on the controls form).
(function () {
  "use strict";

  function sliders() {
    return Array.prototype.slice.call(document.querySelectorAll("#controls .weight-slider"));
  }

  // Each slider shows its share of the sum, which is the weight the server uses.
  function showShares() {
    var all = sliders();
    var sum = all.reduce(function (acc, s) { return acc + Number(s.value); }, 0);
    all.forEach(function (s) {
      var out = s.parentNode.querySelector("output");
      if (out) out.textContent = sum > 0 ? Math.round((100 * Number(s.value)) / sum) + "%" : "–";
    });
  }

  function setSliders(text) {
    var values = String(text || "").split(",");
    if (values.length !== 3) return false;
    sliders().forEach(function (s, i) { s.value = values[i]; });
    showShares();
    return true;
  }

  function controls() { return document.getElementById("controls"); }

  document.addEventListener("input", function (event) {
    if (event.target.classList && event.target.classList.contains("weight-slider")) showShares();
  });

  document.addEventListener("click", function (event) {
    var preset = event.target.closest && event.target.closest("a.preset");
    if (!preset || !controls()) return;
    event.preventDefault();
    if (setSliders(preset.dataset.weights)) {
      controls().dispatchEvent(new Event("change", { bubbles: true }));
    }
  });

  // A new profile brings its own weights: set the sliders before htmx reads the form; the
  // "profile in force" option has none, so the sliders sit out that request.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!controls() || !controls().contains(target)) return;
    if (target.name === "profile") {
      var option = target.options[target.selectedIndex];
      if (!setSliders(option && option.dataset.weights)) {
        sliders().forEach(function (s) { s.disabled = true; });
      }
    }
    if (target.name === "scope") controls().dataset.scope = target.value;
  }, true);

  // After each re-ranking, the sliders follow the weights the server applied.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "ranking") return;
    var applied = document.getElementById("applied-weights");
    sliders().forEach(function (s) { s.disabled = false; });
    if (applied) setSliders(applied.dataset.sliders);
    limitPicks();
  });

  // Compare at most four leads.
  function limitPicks() {
    var picks = Array.prototype.slice.call(document.querySelectorAll(".compare-pick"));
    var chosen = picks.filter(function (p) { return p.checked; }).length;
    picks.forEach(function (p) { p.disabled = !p.checked && chosen >= 4; });
    var button = document.getElementById("compare-button");
    if (button) button.disabled = chosen < 2;
  }
  document.addEventListener("change", function (event) {
    if (event.target.classList && event.target.classList.contains("compare-pick")) limitPicks();
  });

  document.addEventListener("DOMContentLoaded", function () { showShares(); limitPicks(); });
})();
