// Xuanshang: keyboard moves in the inbox (j/k to move, Enter to open the lead); inline selects
// that save only on an explicit action; focus and the live region after htmx updates.
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

  // --- Inline selects (inbox stage and owner): never save on a change. ---
  // Browsing the options with the arrow keys changes the value and fires `change`: that only
  // shows the row's save button. Saving takes the button, or Enter on the select; Escape puts
  // the saved value back.
  function savedIndex(select) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].defaultSelected) return i;
    }
    return 0;
  }

  function isInline(target) {
    return target && target.matches && target.matches("select[data-inline-save]");
  }

  function changed(select) { return select.selectedIndex !== savedIndex(select); }

  function showSave(select) {
    var button = select.form && select.form.querySelector(".inline-save");
    if (button) button.hidden = !changed(select);
    select.classList.toggle("is-dirty", changed(select));
  }

  ["change", "input"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (isInline(event.target)) showSave(event.target);
    });
  });

  document.addEventListener("keydown", function (event) {
    var select = event.target;
    if (!isInline(select)) return;
    if (event.key === "Enter" && changed(select)) {
      event.preventDefault();
      select.form.requestSubmit();
    } else if (event.key === "Escape" && changed(select)) {
      event.preventDefault();
      select.selectedIndex = savedIndex(select);
      showSave(select);
    }
  });

  // --- Focus after an htmx update, and the live region. ---
  // An update that replaces the focused element would drop focus to the page (the next Tab
  // then goes to the skip link). After the swap focus goes, in this order, to: a field the
  // answer marks invalid; the element named by the trigger's data-focus (the first that
  // exists: "#a, #b"); the element that had focus, found again by its id; the first field of
  // a submitted form. Focus that survived the swap (a filter field being typed in) stays, and
  // a page where nothing had focus is left so.
  var plans = new WeakMap();  // request (its XMLHttpRequest) -> where focus goes after it

  function firstField(form) {
    var fields = form.querySelectorAll("select, textarea, input:not([type=hidden])");
    for (var i = 0; i < fields.length; i++) if (fields[i].id) return "#" + fields[i].id;
    return null;
  }

  function focusFirst(selectors) {
    for (var i = 0; i < selectors.length; i++) {
      var found = selectors[i] && document.querySelector(selectors[i]);
      if (found && !found.hidden && !found.disabled) {
        found.focus();
        if (document.activeElement === found) return true;
      }
    }
    return false;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var target = event.detail.target;
    var active = document.activeElement;
    var live = document.getElementById("live-status");
    if (live) live.textContent = "";  // so that the same outcome twice is announced twice
    plans.set(event.detail.xhr, {
      elt: elt,
      hadFocus: Boolean(active && active !== document.body),
      scope: target && target.id ? target.id : null,
      wanted: elt && elt.dataset.focus ? elt.dataset.focus.split(",") : [],
      fallback: [
        active && active.id ? "#" + active.id : null,
        elt && elt.tagName === "FORM" ? firstField(elt) : null,
        elt && elt.id ? "#" + elt.id : null,
      ],
    });
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var current = plans.get(event.detail.xhr);
    if (!current) return;  // settled already (one event per swapped element)
    plans.delete(event.detail.xhr);
    var scope = current.scope && document.getElementById(current.scope);
    var invalid = scope && scope.querySelector("[aria-invalid=true]");
    if (invalid && invalid !== document.activeElement) {
      invalid.focus();
      return;
    }
    if (current.wanted.length && focusFirst(current.wanted)) return;
    var active = document.activeElement;
    if (!current.hadFocus || current.elt.isConnected) return;  // nothing was lost
    if (active && active !== document.body && active.isConnected) return;
    focusFirst(current.fallback);
  });

  // --- Polls while a request runs (the import's progress) ---
  // An element with data-poll-while="#indicator" gets an `xs-poll` event (its hx-trigger) every
  // second while that indicator is busy: no JavaScript in the template's trigger (which htmx
  // would have to eval under a Content-Security-Policy that forbids it).
  var polling = null;
  function poll() {
    var waiting = document.querySelectorAll("[data-poll-while]");
    var busy = 0;
    Array.prototype.forEach.call(waiting, function (elt) {
      var indicator = document.querySelector(elt.dataset.pollWhile);
      if (indicator && indicator.classList.contains("htmx-request")) {
        busy += 1;
        window.htmx.trigger(elt, "xs-poll");
      }
    });
    if (!busy) { window.clearInterval(polling); polling = null; }
  }
  document.addEventListener("htmx:beforeRequest", function () {
    if (!polling && document.querySelector("[data-poll-while]")) polling = window.setInterval(poll, 1000);
  });

  // --- A refused form (400) is swapped like any answer, so its errors show beside the fields.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (event.detail.xhr.status === 400 && source && source.tagName === "FORM") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
