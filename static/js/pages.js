// Behaviour shared by the pages. Served as a file: the Content-Security-Policy allows no
// inline script.
(function () {
  "use strict";

  function isTyping(target) {
    return target instanceof Element &&
      target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  // Single-key shortcuts: an element with data-shortcut="n" is clicked (buttons, links) or
  // focused (fields) when its key is pressed outside a field.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape" && isTyping(event.target)) {
      event.target.blur();
      return;
    }
    if (isTyping(event.target) || event.key.length !== 1) return;
    var target = document.querySelector('[data-shortcut="' + CSS.escape(event.key) + '"]');
    if (!target) return;
    event.preventDefault();
    if (target.matches("input, textarea, select")) {
      target.focus();
      target.scrollIntoView({ block: "center" });
    } else {
      target.click();
    }
  });

  // Lease countdowns: "12 min left", updated as time passes.
  function describe(seconds) {
    if (seconds <= 0) return "expired";
    var minutes = Math.floor(seconds / 60);
    if (minutes < 1) return "under a minute left";
    return minutes + " min left";
  }

  // Under this many seconds left, the holder's lease row warns that the lease runs out.
  var LEASE_WARNING_SECONDS = 120;

  function show(row, selector, shown) {
    row.querySelectorAll(selector).forEach(function (element) {
      element.hidden = !shown;
    });
  }

  function updateLeases() {
    var now = Date.now();
    document.querySelectorAll("[data-expires-at]").forEach(function (element) {
      var expires = Date.parse(element.getAttribute("data-expires-at"));
      if (isNaN(expires)) return;
      var seconds = Math.round((expires - now) / 1000);
      element.textContent = describe(seconds);
      element.classList.toggle("expired", seconds <= 0);
      element.classList.toggle("soon", seconds > 0 && seconds < 300);
      // The holder's lease row (reviews/_lease.html): a warning before the lease runs out;
      // once it has, renewing cannot work, and taking the claim back is offered instead.
      var row = element.closest("[data-lease-row]");
      if (!row) return;
      show(row, "[data-lease-soon]", seconds > 0 && seconds <= LEASE_WARNING_SECONDS);
      show(row, "[data-lease-ended]", seconds <= 0);
      show(row, "[data-lease-live]", seconds > 0);
      show(row, "[data-lease-over]", seconds <= 0);
    });
  }

  // The highlighted claim is scrolled into view inside the article text, not the whole page.
  function showCurrentClaim() {
    var mark = document.querySelector(".article-body .claim-current");
    if (!mark) return;
    var pane = mark.closest(".article-body");
    if (pane && pane.scrollHeight > pane.clientHeight) {
      pane.scrollTop = mark.offsetTop - pane.offsetTop - pane.clientHeight / 3;
    }
  }

  // --- length limits, counted as they are typed ---------------------------------------------
  // A field with data-maxlength-counter gets a counter after it: "120 of 300 characters", and
  // once past the limit (the attribute's value, else the field's maxlength) how far past,
  // which the server refuses. It counts as the server does: characters, not UTF-16 units, and
  // a line break in a text area as the two characters a form sends for it.
  var counters = 0;

  function characters(field) {
    var text = field.value;
    if (field.tagName === "TEXTAREA") text = text.replace(/\r?\n/g, "\r\n");
    return Array.from(text).length;
  }

  function updateCounter(field) {
    var counter = document.getElementById(field.getAttribute("data-counter-id") || "");
    if (!counter) return;
    var limit = parseInt(counter.getAttribute("data-limit"), 10);
    var used = characters(field);
    var over = used > limit;
    counter.textContent = over
      ? (used - limit).toLocaleString("en") + " characters over the limit of " +
        limit.toLocaleString("en")
      : used.toLocaleString("en") + " of " + limit.toLocaleString("en") + " characters";
    counter.classList.toggle("over", over);
    if (over) {
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("data-counter-invalid", "");
    } else if (field.hasAttribute("data-counter-invalid")) {
      field.removeAttribute("aria-invalid");
      field.removeAttribute("data-counter-invalid");
    }
  }

  function addCounters(root) {
    root.querySelectorAll("[data-maxlength-counter]").forEach(function (field) {
      if (field.hasAttribute("data-counter-id")) return;
      var limit = parseInt(
        field.getAttribute("data-maxlength-counter") || field.getAttribute("maxlength"), 10);
      if (!(limit > 0)) return;
      var counter = document.createElement("span");
      counter.className = "char-counter small";
      counter.id = "char-counter-" + (++counters);
      counter.setAttribute("data-limit", String(limit));
      // After the field's label, when it wraps the field: inside, the counter's words would
      // join the field's name; it is the field's description (aria-describedby) instead.
      (field.closest("label") || field).insertAdjacentElement("afterend", counter);
      field.setAttribute("data-counter-id", counter.id);
      var described = field.getAttribute("aria-describedby");
      field.setAttribute("aria-describedby", described ? described + " " + counter.id : counter.id);
      updateCounter(field);
    });
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field instanceof Element && field.hasAttribute("data-counter-id")) updateCounter(field);
  });

  // --- choosing claims to triage in bulk (reviews/_bulk_triage.html) ------------------------
  // Rows' checkboxes belong to the bulk form. "Select all on this page" selects every row;
  // shift-click selects the range from the last row clicked; j and k move between rows and x
  // selects the row the focus is in.
  var lastChosen = null;

  function rowBoxes() {
    return Array.prototype.slice.call(document.querySelectorAll("input[data-select-row]"));
  }

  function updateSelection() {
    var form = document.querySelector("[data-bulk-form]");
    if (!form) return;
    var boxes = rowBoxes();
    var chosen = boxes.filter(function (box) { return box.checked; }).length;
    var count = form.querySelector("[data-bulk-count]");
    if (count) count.textContent = chosen ? chosen + " selected" : "None selected";
    var all = form.querySelector("[data-select-all]");
    if (all) {
      all.checked = boxes.length > 0 && chosen === boxes.length;
      all.indeterminate = chosen > 0 && chosen < boxes.length;
    }
    boxes.forEach(function (box) {
      var row = box.closest("tr");
      if (row) row.classList.toggle("selected", box.checked);
    });
  }

  document.addEventListener("click", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.hasAttribute("data-select-row")) return;
    if (event.shiftKey && lastChosen && lastChosen !== box && document.contains(lastChosen)) {
      var boxes = rowBoxes();
      var from = boxes.indexOf(lastChosen), to = boxes.indexOf(box);
      boxes.slice(Math.min(from, to), Math.max(from, to) + 1).forEach(function (other) {
        other.checked = box.checked;
      });
    }
    lastChosen = box;
    updateSelection();
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement)) return;
    if (box.hasAttribute("data-select-all")) {
      rowBoxes().forEach(function (other) { other.checked = box.checked; });
      updateSelection();
    } else if (box.hasAttribute("data-select-row")) {
      updateSelection();
    }
  });

  function isTextEntry(target) {
    return target instanceof Element && (
      target.closest("textarea, select, [contenteditable]") !== null ||
      (target.matches("input") && !target.matches("[type=checkbox], [type=radio], " +
        "[type=button], [type=submit], [type=reset]")));
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (["j", "k", "x"].indexOf(event.key) < 0 || isTextEntry(event.target)) return;
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-claim-row]"));
    if (!rows.length) return;
    var focused = document.activeElement;
    var current = focused instanceof Element ? focused.closest("tr[data-claim-row]") : null;
    if (event.key === "x") {
      var box = current && current.querySelector("input[data-select-row]");
      if (!box) return;
      event.preventDefault();
      box.checked = !box.checked;
      lastChosen = box;
      updateSelection();
      return;
    }
    event.preventDefault();
    var index = rows.indexOf(current);
    var step = event.key === "j" ? 1 : -1;
    var next = index < 0 ? 0 : Math.min(Math.max(index + step, 0), rows.length - 1);
    rows[next].focus();
    rows[next].scrollIntoView({ block: "nearest" });
  });

  document.addEventListener("DOMContentLoaded", function () {
    addCounters(document);
    document.querySelectorAll("[data-select-all-label]").forEach(function (label) {
      label.hidden = false;
    });
    updateSelection();
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    addCounters(document);
    updateSelection();
    // A triage form answers its row in place: the focus, which was on the form's button,
    // goes to what became of it.
    var target = event.detail.target;
    var row = target && target.id ? document.getElementById(target.id) : null;
    if (row && row.matches("[data-claim-row]")) {
      var message = row.querySelector("[data-row-message]");
      (message || row).focus();
    }
  });

  // The evidence list reloads itself while pages are being fetched, but not while a link in
  // it is being edited: the reload would throw the unsaved stance and note away.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var element = event.detail.elt;
    if (element.id === "evidence-list" &&
        element.querySelector("details.evidence-edit[open]") !== null) {
      event.preventDefault();
    }
  });

  // Narrow screens fold the header's navigation into a menu (pages.css): the button opens
  // and closes it, and Escape closes it and gives the focus back to the button.
  function setUpMenu() {
    var header = document.querySelector(".site-header");
    var toggle = header && header.querySelector(".menu-toggle");
    if (!toggle) return;
    function setOpen(open) {
      header.classList.toggle("menu-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    toggle.addEventListener("click", function () {
      setOpen(!header.classList.contains("menu-open"));
    });
    header.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !header.classList.contains("menu-open")) return;
      setOpen(false);
      toggle.focus();
    });
    header.classList.add("has-menu");
  }

  // A list shown as cards on a phone (pages.css) names each cell after its column: the
  // header's text, or its data-label where the header says more or less than the card should.
  function labelCells(root) {
    root.querySelectorAll("table.list").forEach(function (table) {
      var headers = table.querySelectorAll(":scope > thead > tr > th");
      if (!headers.length) return;
      var labels = Array.prototype.map.call(headers, function (th) {
        return th.hasAttribute("data-label") ? th.getAttribute("data-label") : th.textContent.trim();
      });
      table.querySelectorAll(":scope > tbody > tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (index < labels.length && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", labels[index]);
          }
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenu();
    labelCells(document);
    updateLeases();
    window.setInterval(updateLeases, 5000);
    showCurrentClaim();
  });
  // A lease swapped in by htmx (saving the draft took the claim back) is counted at once.
  document.addEventListener("htmx:afterSettle", updateLeases);
  document.addEventListener("htmx:afterSettle", function () {
    labelCells(document);
  });

  // A form that saves itself as it is typed ([data-autosave], reviews/_verdict_form.html)
  // is still posted as a page by its own buttons. A save on its way is let finish first, so
  // that the form posts the version that save brought back rather than meet it as a
  // conflict; and no save starts once the form is being posted.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) return;
    if (!form.hasAttribute("data-autosave")) return;
    if (form.classList.contains("htmx-request")) {
      event.preventDefault();
      var submitter = event.submitter;
      form.addEventListener("htmx:afterRequest", function () {
        form.requestSubmit(submitter);
      }, { once: true });
      return;
    }
    form.setAttribute("data-posting", "");
  });
  document.addEventListener("htmx:confirm", function (event) {
    var source = event.target;
    if (source instanceof Element && source.hasAttribute("data-posting")) event.preventDefault();
  });
})();
