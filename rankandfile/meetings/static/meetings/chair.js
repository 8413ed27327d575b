/* Chair console: the chair's controls and override dialogs (docs/meetings.md, "Chair console").
 *
 * Controls. The shared fragments carry no chair controls (a frame goes to every phone). The console holds them in
 * <template id="chair-controls" data-version data-url>: each top-level element names, in data-place-in, the
 * element of a shared fragment it belongs in (#meeting-now, a queue row by data-request-id…). After every update
 * of the fragments ("meeting:updated", from live.js, or an htmx swap) the controls are placed again, and when the
 * fragments are newer than the controls they are re-fetched from data-url: one request, for the chair only.
 *
 * Dialogs. A button with data-dialog="NAME" opens <dialog id="dialog-NAME">; its data-field-X attributes fill the
 * form's field named X (the request, speech or motion it acts on), data-subject names it in the heading. The
 * forms, with this chair's CSRF token, are on this page only. A dialog closes when its form was accepted (2xx)
 * and stays open with the field errors otherwise.
 */
(function () {
  "use strict";
  var fetching = false;

  function shownVersion() {
    var v = 0;
    document.querySelectorAll("[data-live-fragment][data-version]").forEach(function (el) {
      v = Math.max(v, parseInt(el.dataset.version, 10) || 0);
    });
    return v;
  }

  function place() {
    var controls = document.getElementById("chair-controls");
    if (!controls) { return; }
    document.querySelectorAll("[data-chair-placed]").forEach(function (el) { el.remove(); });
    Array.prototype.slice.call(controls.content.children).forEach(function (proto) {
      var target = document.querySelector(proto.dataset.placeIn);
      if (!target) { return; }
      var el = proto.cloneNode(true);
      el.setAttribute("data-chair-placed", "");
      target.appendChild(el);
      if (window.htmx && typeof window.htmx.process === "function") { window.htmx.process(el); }
    });
  }

  function refresh() {
    var controls = document.getElementById("chair-controls");
    if (!controls) { return; }
    place();
    if (fetching || (parseInt(controls.dataset.version, 10) || 0) >= shownVersion()) { return; }
    fetching = true;
    fetch(controls.dataset.url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();
        var fresh = holder.content.firstElementChild;
        var current = document.getElementById("chair-controls");
        if (fresh && current && (parseInt(fresh.dataset.version, 10) || 0) > (parseInt(current.dataset.version, 10) || 0)) {
          current.replaceWith(fresh);
        }
      })
      .catch(function () { /* tried again on the next update */ })
      .then(function () {
        fetching = false;
        place();
        var now = document.getElementById("chair-controls");
        if (now && (parseInt(now.dataset.version, 10) || 0) < shownVersion()) { refresh(); }
      });
  }

  document.addEventListener("meeting:updated", refresh);
  document.addEventListener("htmx:after:swap", refresh);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", refresh);
  } else {
    refresh();
  }

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-dialog]");
    if (opener) {
      var dialog = document.getElementById("dialog-" + opener.dataset.dialog);
      if (!dialog) { return; }
      var form = dialog.querySelector("form");
      Object.keys(opener.dataset).forEach(function (key) {
        if (key.indexOf("field") !== 0 || !form) { return; }
        var name = key.slice(5).replace(/^[A-Z]/, function (c) { return c.toLowerCase(); });
        var input = form.querySelector('[name="' + name + '"]');
        if (input) { input.value = opener.dataset[key]; }
      });
      var subject = dialog.querySelector("[data-dialog-subject]");
      if (subject) { subject.textContent = opener.dataset.subject || ""; }
      dialog.showModal();
      var first = dialog.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
      return;
    }
    var closer = event.target.closest("[data-close-dialog]");
    if (closer) {
      var open = closer.closest("dialog");
      if (open) { open.close(); }
    }
  });
  document.addEventListener("htmx:after:request", function (event) {
    var source = event.target;
    var dialog = source && source.closest ? source.closest("dialog") : null;
    var ctx = event.detail && event.detail.ctx;
    var status = ctx && ctx.response ? ctx.response.status : 0;
    if (dialog && status >= 200 && status < 300) { dialog.close(); }
  });
})();
