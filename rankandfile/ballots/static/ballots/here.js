/* A page that answers a POST (the review of a ballot, the receipt of a cast) puts a GET address in its place in the
 * history, so that the back button or a reload never comes to the POST's result: Chrome would offer to send the
 * form again ("Confirm form resubmission"), or fail with ERR_CACHE_MISS, since these pages are never stored.
 *
 * Loaded without `defer` or `async` in the page's head, with the address in its own `data-here`: it runs before the
 * browser has parsed the rest of the page, so before any button of it can be pressed. (A deferred script ran after
 * the page was shown, and a quick tap on "Cast my ballot" could leave the review's POST in the history.) */
(function () {
  "use strict";
  var script = document.currentScript;
  if (script && script.dataset.here) { window.history.replaceState(null, "", script.dataset.here); }
})();
