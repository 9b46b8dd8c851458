/* Small behaviours on top of pages that already work without JavaScript. No inline code. */
(function () {
  "use strict";

  // Quick exit: leave at once and replace this page in the history, so Back does not return.
  function quickExit(event) {
    var link = document.getElementById("quick-exit");
    if (!link) return;
    if (event) event.preventDefault();
    document.body.hidden = true;
    window.location.replace(link.href);
  }
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 1500) quickExit(event);
    lastEscape = now;
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-quick-exit]");
    if (link) quickExit(event);
  });

  // Say plainly, in the live region, when an htmx request failed.
  function announce(text) {
    var region = document.getElementById("live-status");
    if (!region) return;
    region.textContent = text;
    window.clearTimeout(announce.timer);
    announce.timer = window.setTimeout(function () { region.textContent = ""; }, 8000);
  }
  window.gcmAnnounce = announce;
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var text = (xhr && xhr.responseText) || "";
    var doc = new DOMParser().parseFromString(text, "text/html");
    var heading = doc.querySelector("h1, .error-page h1");
    announce(heading ? heading.textContent : (doc.body ? doc.body.textContent.trim().slice(0, 200) : ""));
  });
  document.addEventListener("htmx:sendError", function () {
    announce(document.documentElement.dataset.offlineText || "No connection. Nothing was lost; try again.");
  });

  // Times: add the reader's own local time beside a time shown in another zone.
  function localTimes(root) {
    root.querySelectorAll("time[data-local]").forEach(function (el) {
      if (el.dataset.done) return;
      var moment = new Date(el.getAttribute("datetime"));
      if (isNaN(moment)) return;
      var formatted = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
        dateStyle: "medium", timeStyle: "short"
      }).format(moment);
      var span = document.createElement("span");
      span.className = "local-time muted";
      span.textContent = " · " + (el.dataset.localLabel || "") + " " + formatted;
      el.after(span);
      el.dataset.done = "1";
    });
  }

  // Copy buttons (hidden without JavaScript, shown here).
  function copyButtons(root) {
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false;
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.addEventListener("click", function () {
        var source = document.querySelector(button.dataset.copy);
        if (!source || !navigator.clipboard) return;
        var text = source.value !== undefined ? source.value : source.innerText;
        navigator.clipboard.writeText(text).then(function () {
          announce(button.dataset.copiedText || "Copied.");
        });
      });
    });
  }

  // Selects that submit their form when changed (the button stays for no-JS use).
  function autosubmit(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      if (select.dataset.ready) return;
      select.dataset.ready = "1";
      select.addEventListener("change", function () { select.form.requestSubmit(); });
    });
  }

  function enhance(root) {
    localTimes(root);
    copyButtons(root);
    autosubmit(root);
  }
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.detail.elt); });
})();
