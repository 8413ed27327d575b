/* The review page answers a POST: put the ballot's own address in its place in the history, so the back button
 * from the receipt comes to the ballot page ("You have voted", with a link to the receipt) and never offers to
 * send the form again. */
(function () {
  "use strict";
  var review = document.querySelector("[data-review]");
  if (review) { window.history.replaceState(null, "", review.dataset.here); }
})();
