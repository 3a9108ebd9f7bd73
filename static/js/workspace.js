/* ActionDay workspace: keyboard shortcuts, Ctrl+Enter to save, and drafts that survive anything.
 *
 * Shortcuts (documented on the page, templates/findings/_shortcuts.html):
 *   l            open the log form (the type used last); the form is fetched when its box is
 *                first opened, and what is typed before it arrives goes into its first field
 *   u a s v c    open the log form for a URL, account, suspect, possible victim, case
 *   Ctrl+Enter   save the form the cursor is in (Cmd+Enter on a Mac)
 *   Esc          close the log form
 *   b            bulk paste          /   search
 *
 * Drafts: every form with data-draft="<key>" is copied to this tab's sessionStorage as it is typed.
 * The server says what to do with it in data-draft-state: "fresh" (an empty form: put the draft
 * back), "bound" (the server re-shows what was sent: keep it), "clear" (it was saved: forget it).
 * An expired session therefore costs nothing: after logging in again the tab comes back to the
 * page and the half-typed entry is put back. Drafts live only in this tab (sessionStorage dies with
 * it) and are forgotten when the analyst logs out.
 *
 * No inline scripts or handlers anywhere: a strict Content-Security-Policy applies.
 */
(function () {
  "use strict";

  var KIND_KEYS = { u: "url", a: "account", s: "suspect", v: "victim", p: "location", c: "case" };
  var DRAFT_PREFIX = "actionday:draft:";
  var LAST_KIND = "actionday:last-log-kind";
  var SKIPPED_TYPES = ["file", "password", "submit", "button", "reset", "hidden"];

  function store() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  function isTyping(el) {
    return !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  // --- log form --------------------------------------------------------------------------------

  function firstField(container) {
    return container.querySelector(
      ".has-error input:not([type=hidden]), .has-error select, .has-error textarea, " +
      "input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea"
    );
  }

  function openLog(kind) {
    var s = store();
    kind = kind || (s && s.getItem(LAST_KIND)) || "url";
    var box = document.getElementById("log-" + kind + "-box");
    if (!box) { return false; }
    document.querySelectorAll("details.log-kind[open]").forEach(function (d) {
      if (d !== box) { d.open = false; }
    });
    box.open = true;
    if (s) { s.setItem(LAST_KIND, kind); }
    if (!box.querySelector("form.log-form")) {
      // The form arrives when its box is first opened (htmx). What is typed meanwhile is kept for
      // its first field (htmx:load below), and is not taken for shortcuts.
      waiting = { box: box, typed: "" };
      return true;
    }
    var field = firstField(box);
    if (field) { field.focus(); }
    return true;
  }

  var waiting = null;  // the box whose form is on its way, and what was typed since

  function keepTyped(event) {
    if (!waiting || !waiting.box.open || isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) {
      return false;
    }
    if (event.key.length === 1) {
      waiting.typed += event.key;
    } else if (event.key === "Backspace") {
      waiting.typed = waiting.typed.slice(0, -1);
    } else {
      return false;
    }
    event.preventDefault();
    return true;
  }

  // What was typed goes where it would have gone had the form been there: into its first field,
  // or, when that is a list (the account's platform), to the first choice it starts, as a list does.
  function formArrived(form) {
    if (!waiting || !waiting.box.contains(form)) { return; }
    var field = firstField(form);
    var typed = waiting.typed;
    waiting = null;
    if (!field || !typed) { return; }
    if (field.tagName === "SELECT") {
      var wanted = typed.toLowerCase();
      var match = Array.prototype.find.call(field.options, function (o) {
        return o.value && o.text.toLowerCase().indexOf(wanted) === 0;
      });
      if (match) { field.value = match.value; }
    } else if (field.type !== "checkbox" && field.type !== "radio") {
      field.value += typed;
    }
    saveDraft(form);
  }

  function formFailed() {
    // The form did not come (refused, server or network down): the keys are the page's again.
    // Its box stays; closing and opening it again asks once more.
    waiting = null;
  }

  // A log form with a draft in this tab is opened at once, so that its form comes and the draft is put back.
  function openBoxesWithDrafts() {
    var s = store();
    var workspace = document.querySelector("[data-operation]");
    if (!s || !workspace) { return; }
    document.querySelectorAll("details.log-kind").forEach(function (box) {
      if (s.getItem(DRAFT_PREFIX + workspace.dataset.operation + ":log-" + box.dataset.kind)) { box.open = true; }
    });
  }

  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      var form = event.target && event.target.closest ? event.target.closest("form") : null;
      if (form && form.method.toLowerCase() === "post") {
        event.preventDefault();
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      }
      return;
    }
    if (keepTyped(event)) { return; }
    if (event.key === "Escape") {
      waiting = null;
      var open = document.querySelector("details.log-kind[open]");
      if (open) {
        open.open = false;
        if (isTyping(document.activeElement)) { document.activeElement.blur(); }
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) { return; }
    var key = event.key;
    if (key === "l" || KIND_KEYS[key]) {
      if (openLog(KIND_KEYS[key])) { event.preventDefault(); }
    } else if (key === "/") {
      var search = document.getElementById("id_q");
      if (search) { event.preventDefault(); search.focus(); search.select(); }
    } else if (key === "b") {
      var bulk = document.getElementById("bulk-link");
      if (bulk) { event.preventDefault(); window.location.assign(bulk.href); }
    }
  });

  document.addEventListener("toggle", function (event) {
    var box = event.target;
    if (box.classList && box.classList.contains("log-kind") && box.open) {
      var s = store();
      if (s) { s.setItem(LAST_KIND, box.dataset.kind); }
    }
  }, true);

  // --- drafts ----------------------------------------------------------------------------------

  function draftFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && SKIPPED_TYPES.indexOf(el.type) === -1;
    });
  }

  function readForm(form) {
    var data = {};
    var typed = false;
    draftFields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name] = data[el.name] || [];
        if (el.checked) { data[el.name].push(el.value); }
      } else if (el.tagName === "SELECT" && el.multiple) {
        data[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
      } else {
        data[el.name] = el.value;
        if ((el.tagName === "TEXTAREA" || el.type === "text" || el.type === "search" || !el.type) && el.value.trim()) {
          typed = true;
        }
      }
    });
    return typed ? data : null;
  }

  function writeForm(form, data) {
    draftFields(form).forEach(function (el) {
      if (!(el.name in data)) { return; }
      var value = data[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = value.indexOf(o.value) !== -1; });
      } else {
        el.value = value;
      }
    });
  }

  function saveDraft(form) {
    var s = store();
    if (!s || !form.dataset.draft) { return; }
    var data = readForm(form);
    if (data) {
      s.setItem(DRAFT_PREFIX + form.dataset.draft, JSON.stringify(data));
    } else {
      s.removeItem(DRAFT_PREFIX + form.dataset.draft);
    }
  }

  function showRestored(form) {
    var note = document.createElement("p");
    note.className = "draft-note";
    note.setAttribute("role", "status");
    note.textContent = "Put back what you were typing before. ";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "link-button";
    discard.textContent = "Discard it";
    discard.addEventListener("click", function () {
      var s = store();
      if (s) { s.removeItem(DRAFT_PREFIX + form.dataset.draft); }
      form.reset();
      note.remove();
    });
    note.appendChild(discard);
    form.insertBefore(note, form.firstChild);
  }

  function initDraft(form) {
    if (form.dataset.draftReady) { return; }
    form.dataset.draftReady = "1";
    var s = store();
    if (!s) { return; }
    var key = DRAFT_PREFIX + form.dataset.draft;
    var state = form.dataset.draftState || "fresh";
    if (state === "clear") {
      s.removeItem(key);
      saveDraft(form); // what the server left in the form (e.g. refused bulk lines) is the new draft
      return;
    }
    if (state === "bound") {
      saveDraft(form);
      return;
    }
    var raw = s.getItem(key);
    if (!raw) { return; }
    try {
      writeForm(form, JSON.parse(raw));
    } catch (e) {
      s.removeItem(key);
      return;
    }
    showRestored(form);
    var box = form.closest("details.log-kind");
    if (box) { box.open = true; }
  }

  function focusAfterSwap(form) {
    // After a save the next entry starts at once; after an error the cursor goes to the first problem.
    var box = form.closest("details.log-kind");
    if (box && box.open) {
      var field = firstField(form);
      if (field) { field.focus(); }
    }
  }

  // After a plain (non-htmx) save the server redirects with ?saved=<form key>: that draft is done.
  function forgetSavedDraft() {
    var params = new URLSearchParams(window.location.search);
    var saved = params.get("saved");
    var s = store();
    if (!saved) { return; }
    var workspace = document.querySelector("[data-operation]");
    if (s && workspace) { s.removeItem(DRAFT_PREFIX + workspace.dataset.operation + ":" + saved); }
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      var key = form.dataset.draft;
      if (s && key.slice(key.indexOf(":") + 1) === saved) {
        s.removeItem(DRAFT_PREFIX + key);
        form.dataset.draftState = "clear";
      }
    });
    params.delete("saved");
    var rest = params.toString();
    window.history.replaceState(window.history.state, "", window.location.pathname + (rest ? "?" + rest : ""));
  }

  var started = false;

  function init(root) {
    if (!root || !root.querySelectorAll) { return; }
    if (!started) {
      // htmx:load on the body may come before DOMContentLoaded reaches us: whichever runs first starts.
      started = true;
      forgetSavedDraft();
      openBoxesWithDrafts();
    }
    var forms = root.matches && root.matches("form[data-draft]") ? [root] : [];
    forms = forms.concat(Array.prototype.slice.call(root.querySelectorAll("form[data-draft]")));
    forms.forEach(initDraft);
  }

  document.addEventListener("input", function (event) {
    var form = event.target && event.target.form;
    if (form && form.dataset.draft) { saveDraft(form); }
  });
  document.addEventListener("change", function (event) {
    var form = event.target && event.target.form;
    if (form && form.dataset.draft) { saveDraft(form); }
  });

  document.addEventListener("DOMContentLoaded", function () { init(document); });

  // Logging out on purpose forgets every draft of this tab: drafts hold what was typed about people.
  document.addEventListener("submit", function (event) {
    var s = store();
    if (!s || !event.target.matches || !event.target.matches("form.logout")) { return; }
    Object.keys(s).forEach(function (key) {
      if (key.indexOf(DRAFT_PREFIX) === 0) { s.removeItem(key); }
    });
  });

  // --- htmx ------------------------------------------------------------------------------------

  function alertBox() { return document.getElementById("ws-alert"); }

  function showAlert(text) {
    var box = alertBox();
    if (!box) { window.alert(text); return; }
    box.textContent = text;
    box.hidden = false;
  }

  document.addEventListener("htmx:load", function (event) {
    var elt = event.detail.elt;
    init(elt);
    if (elt.matches && elt.matches("form.log-form")) {  // a form just loaded into its box, or saved
      formArrived(elt);
      focusAfterSwap(elt);
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    // An outerHTML swap replaces the form: find the new one by its id.
    var target = event.detail.target;
    var form = target && target.id ? document.getElementById(target.id) : null;
    if (form && form.matches("form.log-form")) { focusAfterSwap(form); }
    var box = alertBox();
    if (box && !box.hidden) { box.hidden = true; }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status < 400) { return; }
    // A refusal (closed operation, not allowed) is shown above the form; the form keeps what was typed.
    event.detail.shouldSwap = false;
    formFailed();
    var text = "";
    try {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var refused = doc.querySelector(".refused, .form-error");
      text = refused ? refused.textContent.trim() : "";
    } catch (e) { text = ""; }
    showAlert(text || ("The server answered " + xhr.status + ". Nothing was saved; what you typed is still here."));
  });

  document.addEventListener("htmx:sendError", function () {
    formFailed();
    showAlert("The server could not be reached. Nothing was saved; what you typed is still here — try again.");
  });
})();
