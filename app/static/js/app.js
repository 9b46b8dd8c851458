/* Small behaviours on top of pages that already work without JavaScript. No inline code. */
(function () {
  "use strict";

  // Quick exit: hide everything at once, sign out on the server (which also tells the
  // browser to forget this site's cache, cookies and storage), then leave for a neutral
  // site, replacing this page in the history so Back does not return. Without JavaScript
  // the link does the same through a redirect. Leaving waits for the sign-out at most a
  // moment: a slow network must not keep the person here.
  var exiting = false;
  function quickExit(event) {
    var link = document.getElementById("quick-exit");
    if (!link) return;
    if (event) event.preventDefault();
    document.body.hidden = true;
    if (exiting) return;
    exiting = true;
    window.gcmLeaving = true;  // no "leave this page?" question on the way out
    var target = link.dataset.exitUrl || link.href;
    function leave() { window.location.replace(target); }
    var timer = window.setTimeout(leave, 1500);
    try {
      fetch(link.href, { method: "POST", credentials: "same-origin", keepalive: true, cache: "no-store" })
        .then(function () { window.clearTimeout(timer); leave(); },
              function () { window.clearTimeout(timer); leave(); });
    } catch (error) {
      window.clearTimeout(timer);
      window.location.replace(link.href);
    }
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

  // A whole page answered to an htmx request (the server says HX-Retarget: body): it
  // replaces the body's content; the page's own settings (the form token htmx sends, the
  // language and direction) follow it, and the reader starts at its top.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.getResponseHeader("HX-Retarget") !== "body") return;
    var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    if (!doc.body) return;
    Array.prototype.slice.call(document.body.attributes).forEach(function (attr) {
      if (!doc.body.hasAttribute(attr.name)) document.body.removeAttribute(attr.name);
    });
    Array.prototype.slice.call(doc.body.attributes).forEach(function (attr) {
      document.body.setAttribute(attr.name, attr.value);
    });
    ["lang", "dir"].forEach(function (name) {
      var value = doc.documentElement.getAttribute(name);
      if (value) document.documentElement.setAttribute(name, value);
    });
    document.body.dataset.wholePage = "1";
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (document.body.dataset.wholePage !== "1") return;
    delete document.body.dataset.wholePage;
    noteActivity();
    var main = document.getElementById("main");
    if (main) main.focus();
  });

  // Idle timeout: the server signs a person out after N minutes without activity; the
  // page then hides what it shows and says so, instead of staying on screen for anyone
  // passing by. Polls are not activity (as on the server). Tabs share the last activity
  // (a time, nothing else), so a person busy in another tab is not shown this.
  var IDLE_KEY = "gcm-last-activity";
  var idleTimer = null;
  function idleMinutes() {
    return parseInt(document.body.dataset.idleMinutes || "0", 10);
  }
  function lastActivity() {
    var own = parseInt(document.body.dataset.lastActivity || "0", 10);
    var shared = 0;
    try { shared = parseInt(window.localStorage.getItem(IDLE_KEY) || "0", 10); } catch (e) { /* private mode */ }
    return Math.max(own, shared || 0);
  }
  function noteActivity() {
    if (!idleMinutes()) { window.clearTimeout(idleTimer); return; }
    var now = Date.now();
    document.body.dataset.lastActivity = String(now);
    try { window.localStorage.setItem(IDLE_KEY, String(now)); } catch (e) { /* private mode */ }
    scheduleIdle();
  }
  function scheduleIdle() {
    window.clearTimeout(idleTimer);
    var minutes = idleMinutes();
    if (!minutes) return;
    var due = lastActivity() + minutes * 60000 - Date.now();
    idleTimer = window.setTimeout(function () {
      if (lastActivity() + minutes * 60000 > Date.now() + 1000) { scheduleIdle(); return; }
      showSignedOut();
    }, Math.max(0, due));
  }
  function showSignedOut() {
    var main = document.getElementById("main");
    if (!main || document.getElementById("signed-out")) return;
    var body = document.body;
    var panel = document.createElement("section");
    panel.id = "signed-out";
    panel.className = "signed-out notice";
    panel.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.textContent = body.dataset.idleText || "";
    var link = document.createElement("a");
    link.href = body.dataset.signInUrl || "/sign-in";
    link.className = "button";
    link.textContent = body.dataset.idleLink || "Sign in";
    var again = document.createElement("p");
    again.appendChild(link);
    panel.appendChild(text);
    panel.appendChild(again);
    main.hidden = true;
    document.querySelectorAll(".main-nav, .site-footer").forEach(function (el) { el.hidden = true; });
    main.parentNode.insertBefore(panel, main);
    delete body.dataset.idleMinutes;  // no more timers, no more saves announced
    window.clearTimeout(idleTimer);
    link.focus();
  }
  window.gcmShowSignedOut = showSignedOut;
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    var trigger = (elt && elt.getAttribute && elt.getAttribute("hx-trigger")) || "";
    var xhr = event.detail.xhr;
    if (xhr && xhr.status === 401 && idleMinutes() && !(elt && elt.closest && elt.closest("form[data-autosave]"))) {
      showSignedOut();
      return;
    }
    if (trigger.indexOf("every ") === -1) noteActivity();
  });
  window.addEventListener("storage", function (event) {
    if (event.key === IDLE_KEY) scheduleIdle();
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
        if (window.gcmLeaving) return;
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
  document.addEventListener("DOMContentLoaded", function () { enhance(document); noteActivity(); });
  document.addEventListener("htmx:load", function (event) { enhance(event.detail.elt); });
})();
