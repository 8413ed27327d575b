/* The receipt after a cast: keep it in this browser tab, offer Copy, Download and Share, warn before leaving.
 *
 * The server never stores the check code (docs/ballots.md, "Your receipt"). This script keeps the receipt in the
 * tab's sessionStorage (gone when the tab closes; logging out clears it); here.js has already put the receipt
 * page's address in place of the cast's in the history, so a reload or the back button comes to that page, and
 * this script shows the receipt again there instead of casting twice. Until the voter has copied, downloaded,
 * shared or written down the codes, leaving the page asks first.
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-receipt]");
  if (!root) { return; }
  var key = "rankandfile-receipt-" + root.dataset.ballot;
  var store = null;
  try { store = window.sessionStorage; } catch (e) { store = null; }
  var body = root.querySelector("[data-receipt-body]");
  var names = root.querySelector("[data-names]");
  var receipt = root.querySelector("#receipt");
  var nonce = root.querySelector("#nonce");
  var status = root.querySelector("[data-receipt-status]");
  var data;

  if (root.dataset.receipt === "fresh") {
    data = {
      names: Array.prototype.map.call(names ? names.children : [], function (li) { return li.textContent; }),
      ranked: names ? names.hasAttribute("data-ranked") : false,
      receipt: receipt ? receipt.textContent : "",
      nonce: nonce ? nonce.textContent : "",
      kept: false
    };
    if (store) { store.setItem(key, JSON.stringify(data)); }
  } else {
    var raw = store ? store.getItem(key) : null;
    if (!raw) { return; }  // the page says the receipt was shown once
    data = JSON.parse(raw);
    names.textContent = "";
    data.names.forEach(function (name) {
      var li = document.createElement("li");
      li.textContent = name;
      names.appendChild(li);
    });
    if (receipt) { receipt.textContent = data.receipt; }
    if (nonce) { nonce.textContent = data.nonce; }
    var missing = root.querySelector("[data-receipt-missing]");
    if (missing) { missing.hidden = true; }
    body.hidden = false;
  }
  if (root.dataset.survey) { return; }  // a survey has no codes to keep

  function text() {
    var marks = data.names.join(data.ranked ? " > " : ", ");
    return [
      root.dataset.title,
      "You voted: " + marks,
      "Receipt (published with the ballot box): " + data.receipt,
      "Check code (private: only you have it): " + data.nonce,
      "Check it after the close at " + window.location.origin + root.dataset.check,
      "Anyone holding the check code can see how you voted."
    ].join("\n") + "\n";
  }

  function warn(event) {
    event.preventDefault();
    event.returnValue = "";
  }

  function say(message) { status.textContent = message; }

  function kept() {
    data.kept = true;
    if (store) { store.setItem(key, JSON.stringify(data)); }
    window.removeEventListener("beforeunload", warn);
    var warning = root.querySelector("[data-keep-warning]");
    if (warning) { warning.hidden = true; }
  }

  if (!data.kept) { window.addEventListener("beforeunload", warn); } else { kept(); }

  var actions = root.querySelector("[data-receipt-actions]");
  actions.hidden = false;
  root.querySelector("[data-receipt-copy]").addEventListener("click", function () {
    if (!navigator.clipboard) { say(root.dataset.copyFailed); return; }
    navigator.clipboard.writeText(text()).then(
      function () { say(root.dataset.copied); kept(); },
      function () { say(root.dataset.copyFailed); }
    );
  });
  root.querySelector("[data-receipt-download]").addEventListener("click", function () {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text()], { type: "text/plain;charset=utf-8" }));
    link.download = "receipt-ballot-" + root.dataset.ballot + ".txt";
    document.body.appendChild(link);
    link.click();
    link.remove();
    say(root.dataset.downloaded);
    kept();
  });
  var share = root.querySelector("[data-receipt-share]");
  if (navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({ title: root.dataset.title, text: text() }).then(kept, function () {});
    });
  }
  root.querySelector("[data-receipt-kept]").addEventListener("click", kept);
})();
