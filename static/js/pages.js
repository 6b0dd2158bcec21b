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

  function updateLeases() {
    var now = Date.now();
    document.querySelectorAll("[data-expires-at]").forEach(function (element) {
      var expires = Date.parse(element.getAttribute("data-expires-at"));
      if (isNaN(expires)) return;
      var seconds = Math.round((expires - now) / 1000);
      element.textContent = describe(seconds);
      element.classList.toggle("expired", seconds <= 0);
      element.classList.toggle("soon", seconds > 0 && seconds < 300);
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

  document.addEventListener("DOMContentLoaded", function () {
    updateLeases();
    window.setInterval(updateLeases, 15000);
    showCurrentClaim();
  });
})();
