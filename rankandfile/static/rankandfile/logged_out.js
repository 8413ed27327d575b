/* After logging out: forget the ballot receipts this tab kept (ballots/static/ballots/receipt.js), so the next
 * person at a shared computer cannot read them. */
(function () {
  "use strict";
  try {
    var store = window.sessionStorage;
    for (var i = store.length - 1; i >= 0; i -= 1) {
      var key = store.key(i);
      if (key && key.indexOf("rankandfile-receipt-") === 0) { store.removeItem(key); }
    }
  } catch (e) { /* storage unavailable: nothing was kept */ }
})();
