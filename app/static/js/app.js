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
  // Lists swapped by htmx (search results) are replaced whole, so a live region inside them
  // would never speak: the count they carry (data-announce) is said in the page's own region.
  document.addEventListener("htmx:afterSwap", function (event) {
    var said = event.detail.target && event.detail.target.querySelector("[data-announce]");
    if (said) announce(said.textContent.trim());
  });
  document.addEventListener("htmx:sendError", function () {
    announce(document.documentElement.dataset.offlineText || "");
  });

  // Polled parts (the live board) send the ETag they were drawn from, so that an unchanged
  // board costs a 304 with no body. They are not redrawn while someone types in them or has
  // a menu open in them; the next poll after that catches up.
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.dataset && elt.dataset.etag && event.detail.verb === "get") {
      event.detail.headers["If-None-Match"] = elt.dataset.etag;
    }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.hasAttribute || !elt.hasAttribute("data-poll")) return;
    var active = document.activeElement;
    var typing = active && elt.contains(active) && active.matches("input, textarea, select");
    if (typing || elt.querySelector("details[open]")) event.preventDefault();
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

  // Filter boxes (hidden without JavaScript, shown here): typing hides the items of a long
  // checkbox list whose label does not contain what was typed, and groups left empty.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function filterBoxes(root) {
    root.querySelectorAll("input[data-filter]").forEach(function (input) {
      var list = document.querySelector(input.dataset.filter);
      if (!list || input.dataset.ready) return;
      input.dataset.ready = "1";
      input.closest(".filter-box").hidden = false;
      input.addEventListener("input", function () {
        var wanted = fold(input.value.trim());
        list.querySelectorAll("li").forEach(function (item) {
          item.hidden = wanted !== "" && fold(item.textContent).indexOf(wanted) === -1;
        });
        list.querySelectorAll("[data-filter-group]").forEach(function (group) {
          group.hidden = !group.querySelector("li:not([hidden])");
        });
      });
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
          announce(button.dataset.copiedText || "");
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

  // --- Word counts against a section's limit ------------------------------------------
  function countWords(textarea) {
    var out = document.getElementById("word-count");
    if (!out) return;
    var words = (textarea.value.match(/\S+/g) || []).length;
    var limit = parseInt(textarea.dataset.wordLimit || "0", 10);
    var text = (out.dataset.template || "{words} / {limit}")
      .replace("{words}", words).replace("{limit}", limit);
    if (limit && words > limit) text += " " + (out.dataset.overText || "");
    out.textContent = text;
    out.classList.toggle("error-text", limit > 0 && words > limit);
  }

  // --- Autosave of a section (contract: app/submissions/editor_routes.py) --------------
  // The text never leaves the editor until the server has it: failed saves are retried,
  // and the base revision only moves to a version the text in the editor descends from.
  function refreshCsrfToken() {
    return fetch(document.documentElement.dataset.csrfUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        document.querySelectorAll("input[name=csrf_token]").forEach(function (i) { i.value = data.token; });
        document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": data.token }));
      });
  }

  function setupAutosave(root) {
    root.querySelectorAll("form[data-autosave]").forEach(function (form) {
      if (form.dataset.ready) return;
      form.dataset.ready = "1";
      var textarea = form.querySelector("textarea[name=body]");
      var base = form.querySelector("input[name=base_revision]");
      var status = document.getElementById("save-status");
      var state = { sent: null, dirty: false, paused: false, retry: null };

      function say(text) { if (status) status.textContent = text; }
      function retrySoon() {
        if (state.retry) return;
        state.retry = window.setTimeout(function () {
          state.retry = null;
          if (state.dirty && !state.paused) htmx.trigger(form, "submit");
        }, 15000);
      }

      textarea.addEventListener("input", function () {
        state.dirty = true;
        countWords(textarea);
      });
      countWords(textarea);
      window.addEventListener("online", function () {
        if (state.dirty && !state.paused) htmx.trigger(form, "submit");
      });
      window.addEventListener("beforeunload", function (event) {
        if (state.dirty || state.sent !== null) {
          event.preventDefault();
          event.returnValue = form.dataset.leaveText || "";
        }
      });
      form.addEventListener("htmx:confirm", function (event) {
        var manual = event.detail.triggeringEvent && event.detail.triggeringEvent.type === "submit";
        if (state.paused || (!state.dirty && !manual)) event.preventDefault();
      });
      form.addEventListener("htmx:beforeRequest", function () {
        state.sent = textarea.value;
        state.dirty = false;
      });
      form.addEventListener("htmx:sendError", function () {
        state.dirty = true;
        state.sent = null;
        say(form.dataset.offlineText);
        retrySoon();
      });
      form.addEventListener("htmx:afterRequest", function (event) {
        var xhr = event.detail.xhr;
        if (!xhr || !xhr.status) return;
        var sent = state.sent;
        state.sent = null;
        if (xhr.status === 200) {
          var revision = xhr.getResponseHeader("X-Revision") || "";
          var merged = xhr.getResponseHeader("X-Merged") === "1";
          if (textarea.value === sent) {
            if (merged) {
              var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
              var mergedBody = doc.getElementById("merged-body");
              if (mergedBody) textarea.value = mergedBody.value;
            }
            base.value = revision;
          } else {
            // Typed on while saving: keep the newer text, based on what was sent.
            base.value = merged ? (xhr.getResponseHeader("X-Own-Revision") || revision) : revision;
            state.dirty = true;
          }
          countWords(textarea);
          return;
        }
        state.dirty = true;
        if (xhr.status === 400 && xhr.getResponseHeader("X-CSRF-Error")) {
          refreshCsrfToken().then(function () { htmx.trigger(form, "submit"); }, retrySoon);
          return;
        }
        if (xhr.status === 401) { say(form.dataset.signedOutText); retrySoon(); return; }
        if (xhr.status === 409) { state.paused = true; say(form.dataset.conflictText); return; }
        if (xhr.status === 423) { state.paused = true; say(form.dataset.lockedText); return; }
        // Too long: saved again once the person shortens it (the next input), not before.
        if (xhr.status === 413) { say(form.dataset.tooLongText); return; }
        say(form.dataset.unsavedText);
        retrySoon();
      });
    });
  }

  // Comments on a passage: selecting words in the text fills the comment form's quote field
  // (which also works by hand, without JavaScript). The server checks where the words are.
  function setupQuoting(root) {
    root.querySelectorAll("textarea[data-quote-from]").forEach(function (quote) {
      if (quote.dataset.quoting) return;
      var source = document.querySelector(quote.dataset.quoteFrom);
      if (!source) return;
      quote.dataset.quoting = "1";
      var form = quote.form;
      var start = form.querySelector("input[name$='quote_start']");
      var revision = form.querySelector("input[name$='revision']");
      var last = "";
      function take() {
        var text = "", at = "";
        if (source.tagName === "TEXTAREA") {
          if (source.selectionEnd > source.selectionStart) {
            text = source.value.slice(source.selectionStart, source.selectionEnd);
            at = source.selectionStart;
          }
        } else {
          var selection = window.getSelection();
          if (selection && !selection.isCollapsed && source.contains(selection.anchorNode) &&
              source.contains(selection.focusNode)) text = selection.toString();
        }
        var trimmed = text.trim();
        if (!trimmed || trimmed === last) return;
        if (at !== "") at = at + text.indexOf(trimmed);
        last = trimmed;
        quote.value = trimmed.slice(0, 1000);
        if (start) start.value = String(at);
        // The revision the selected words were read in: the editor's latest save.
        var base = document.getElementById("base_revision");
        if (revision && base && source.tagName === "TEXTAREA" && base.value) revision.value = base.value;
        announce(quote.dataset.quotedText);
      }
      source.addEventListener("mouseup", take);
      source.addEventListener("keyup", function (event) { if (event.shiftKey) take(); });
      quote.addEventListener("input", function () { if (start) start.value = ""; });
    });
  }

  function enhance(root) {
    localTimes(root);
    copyButtons(root);
    filterBoxes(root);
    autosubmit(root);
    setupAutosave(root);
    setupQuoting(root);
  }
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.detail.elt); });
})();
