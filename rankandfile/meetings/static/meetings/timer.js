/* Speech timers on every screen, from server timestamps (docs/meetings.md, "Timers").
 *
 * A [data-timer] element carries the speech's start (data-started-at, ms since the epoch, server clock), its
 * allowance (data-allowed, seconds; empty: no limit), the time paused so far (data-paused-seconds) and, while
 * paused, when the pause began (data-paused-at). The server's clock at rendering is on #meeting-now
 * (data-server-now): the offset to this device's clock is the largest (server − device) difference seen, since a
 * late delivery can only make it look smaller. So a phone with a wrong clock still counts the same seconds.
 */
(function () {
  "use strict";
  var offset = null;
  var seenNow = null;

  function learnOffset() {
    var now = document.getElementById("meeting-now");
    if (!now || !now.dataset.serverNow || now.dataset.serverNow === seenNow) { return; }
    seenNow = now.dataset.serverNow;
    var sample = parseInt(seenNow, 10) - Date.now();
    offset = offset === null ? sample : Math.max(offset, sample);
  }

  function clock(seconds) {
    var s = Math.abs(Math.round(seconds));
    var m = Math.floor(s / 60);
    var r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }

  function tick() {
    learnOffset();
    var serverNow = Date.now() + (offset || 0);
    document.querySelectorAll("[data-timer]").forEach(function (el) {
      var started = parseInt(el.dataset.startedAt, 10);
      if (!started) { return; }
      var pausedAt = parseInt(el.dataset.pausedAt, 10) || 0;
      var pausedSeconds = parseInt(el.dataset.pausedSeconds, 10) || 0;
      var end = pausedAt || serverNow;
      var elapsed = Math.max((end - started) / 1000 - pausedSeconds, 0);
      var allowed = el.dataset.allowed === "" ? null : parseInt(el.dataset.allowed, 10);
      var display = el.querySelector("[data-timer-display]");
      var label = el.querySelector("[data-timer-label]");
      var over = allowed !== null && elapsed >= allowed;
      if (allowed === null) {
        display.textContent = clock(elapsed);
        label.textContent = pausedAt ? el.dataset.labelPaused : el.dataset.labelElapsed;
      } else if (over) {
        display.textContent = "+" + clock(elapsed - allowed);
        label.textContent = el.dataset.labelUp;
      } else {
        display.textContent = clock(Math.ceil(allowed - elapsed));
        label.textContent = pausedAt ? el.dataset.labelPaused : el.dataset.labelLeft;
      }
      el.classList.toggle("is-over", over);
      el.classList.toggle("is-paused", !!pausedAt);
      el.classList.toggle("is-ending", !over && allowed !== null && allowed - elapsed <= 30);
    });
  }

  tick();
  setInterval(tick, 250);
})();
