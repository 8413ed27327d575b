/* Chair console: override dialogs (docs/meetings.md, "Chair console").
 *
 * A button with data-dialog="NAME" opens <dialog id="dialog-NAME">; its data-field-X attributes fill the form's
 * field named X (the request, speech or motion it acts on), data-subject names it in the heading. The buttons sit
 * in shared fragments (hidden on other screens); the forms, with this chair's CSRF token, are on this page only.
 * A dialog closes when its form was accepted (2xx) and stays open with the field errors otherwise.
 */
(function () {
  "use strict";
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
