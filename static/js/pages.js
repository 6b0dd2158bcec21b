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
