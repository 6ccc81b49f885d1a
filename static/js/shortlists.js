// Shortlist page: slider read-outs, presets and profile weights, scope fields, compare picks.
// The ranking itself is re-rendered by htmx (hx-get on the controls form).
(function () {
  "use strict";

  function sliders() {
    return Array.prototype.slice.call(document.querySelectorAll("#controls .weight-slider"));
  }

  // The share of pull within cluster strengthening: a percentage of its own, not in the sum.
  function mixSlider() { return document.querySelector("#controls .mix-slider"); }

  function showMix() {
    var mix = mixSlider();
    var out = mix && mix.parentNode.querySelector("output");
    if (out) out.textContent = mix.value + "%";
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

  // "40,30,30" or "40,30,30,50" (the fourth value is the share of pull in cluster).
  function setSliders(text) {
    var values = String(text || "").split(",");
    if (values.length !== 3 && values.length !== 4) return false;
    sliders().forEach(function (s, i) { s.value = values[i]; });
    if (values.length === 4 && mixSlider()) mixSlider().value = values[3];
    showShares();
    showMix();
    return true;
  }

  function allSliders() {
    var mix = mixSlider();
    return mix ? sliders().concat([mix]) : sliders();
  }

  function controls() { return document.getElementById("controls"); }

  document.addEventListener("input", function (event) {
    if (event.target.classList && event.target.classList.contains("weight-slider")) showShares();
    if (event.target.classList && event.target.classList.contains("mix-slider")) showMix();
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
        allSliders().forEach(function (s) { s.disabled = true; });
      }
    }
    if (target.name === "scope") controls().dataset.scope = target.value;
  }, true);

  // After each re-ranking, the sliders follow the weights the server applied.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "ranking") return;
    var applied = document.getElementById("applied-weights");
    allSliders().forEach(function (s) { s.disabled = false; });
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

  document.addEventListener("DOMContentLoaded", function () {
    showShares();
    showMix();
    limitPicks();
  });
})();
