/* Live updates of a meeting page (docs/meetings.md, "Live updates").
 *
 * The page's #meeting element names the WebSocket path (data-ws-path), the fragments URL (data-live-url) and, on
 * the member view, the viewer's own panel URL (data-me-url) and member id (data-member-id).
 *
 * - Each frame is JSON {version, content}: content holds the whole shared state as top-level elements with ids.
 *   A frame older than what the page shows is ignored; a newer one replaces every element it carries.
 * - On (re)connecting, and when a frame skips versions, the page also re-fetches the fragments over HTTP.
 * - Nothing per viewer travels in a frame. "My place" is read from the shared queue (the place of the row with
 *   my data-member-id); the panel (#my-panel, with my forms and their CSRF token) carries data-key, which this script also derives
 *   from the shared fragments: when the two differ the panel is re-fetched, so only the members a change concerns
 *   make a request.
 * After every update the document gets a "meeting:updated" event (chair.js then places the chair's controls).
 * No inline code: CSP allows scripts from 'self' only.
 */
(function () {
  "use strict";
  var root = document.getElementById("meeting");
  if (!root || !root.dataset.wsPath) { return; }

  var liveUrl = root.dataset.liveUrl;
  var meUrl = root.dataset.meUrl || "";
  var me = root.dataset.memberId || "";
  var socket = null;
  var attempt = 0;
  var stopped = false;
  var retryTimer = null;
  var gapTimer = null;
  var panelFetchedFor = -1;
  var lastPlace = 0;     // my place in the queue at the last update (0: not in it)
  var lastRequest = "";  // …and the request it was for
  var moved = null;      // {from, to} while my request stays where the last move put it

  function shownVersion() {
    var v = 0;
    root.querySelectorAll("[data-live-fragment][data-version]").forEach(function (el) {
      v = Math.max(v, parseInt(el.dataset.version, 10) || 0);
    });
    return v;
  }

  function setStatus(isLive) {
    document.querySelectorAll("[data-live-status]").forEach(function (el) {
      el.textContent = isLive ? el.dataset.labelLive : el.dataset.labelOffline;
      el.classList.toggle("is-live", isLive);
    });
    root.classList.toggle("is-offline", !isLive);
  }

  /* Replace every element of `html` whose id is on the page; return whether anything was applied. */
  function apply(html, version) {
    if (version <= shownVersion()) { return false; }
    var template = document.createElement("template");
    template.innerHTML = html;
    Array.prototype.slice.call(template.content.children).forEach(function (fresh) {
      if (!fresh.id) { return; }
      var old = document.getElementById(fresh.id);
      if (!old) { return; }
      fresh.removeAttribute("hx-swap-oob");
      old.replaceWith(fresh);
      if (window.htmx && typeof window.htmx.process === "function") { window.htmx.process(fresh); }
    });
    afterUpdate();
    return true;
  }

  function refetch() {
    return fetch(liveUrl, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("live fragments: " + response.status); }
        var version = parseInt(response.headers.get("X-Meeting-Version"), 10) || 0;
        return response.text().then(function (html) { apply(html, version); });
      })
      .catch(function () { /* the next frame or reconnect tries again */ });
  }

  /* Derive what the viewer's panel depends on, in the same form as the server's MyPanel.key. */
  function panelKey() {
    var now = document.getElementById("meeting-now");
    var queue = document.getElementById("meeting-queue");
    if (!now || !me) { return null; }
    var status = now.dataset.status || "";
    var row = queue ? queue.querySelector('.queue-row[data-member-id="' + me + '"]') : null;
    var requestId = row ? row.dataset.requestId : "";
    var speechId = now.dataset.speakerId === me ? now.dataset.speechId : "";
    var due = queue && (" " + (queue.dataset.replyDue || "") + " ").indexOf(" " + me + " ") >= 0 ? "1" : "0";
    return [status, requestId, speechId, due].join("|");
  }

  /* A panel may be replaced while its member is typing (a summary, say): carry what they typed, and the focus,
     into the fresh panel, so a refresh never loses their words. Returns the id of the focused field, if any. */
  function keepTyping(current, fresh) {
    current.querySelectorAll("input:not([type=hidden]), textarea").forEach(function (old) {
      if (!old.id || !old.value || old.type === "checkbox" || old.type === "radio") { return; }
      var twin = fresh.querySelector("#" + CSS.escape(old.id));
      if (twin && !twin.value) { twin.value = old.value; }
    });
    var active = document.activeElement;
    return active && active.id && current.contains(active) ? active.id : null;
  }

  function afterUpdate() {
    document.dispatchEvent(new CustomEvent("meeting:updated", { detail: { version: shownVersion() } }));
    var panel = document.getElementById("my-panel");
    if (!panel || !meUrl) { return; }
    var row = document.querySelector('#meeting-queue .queue-row[data-member-id="' + me + '"]');
    var myPlace = row ? Array.prototype.indexOf.call(row.parentNode.children, row) + 1 : 0;
    if (row && lastPlace > 0 && myPlace !== lastPlace && row.dataset.requestId === lastRequest) {
      moved = { from: lastPlace, to: myPlace };  // my request changed place since the last update
    } else if (!row || (moved && moved.to !== myPlace) || row.dataset.requestId !== lastRequest) {
      moved = null;
    }
    lastPlace = myPlace;
    lastRequest = row ? row.dataset.requestId : "";
    if (row) {  // my own row, marked for me only (frames are shared): highlighted, with why it is where it is
      row.classList.add("is-me");
      var why = row.querySelector(".queue-reasons");
      if (why && why.textContent && !row.querySelector(".my-reason")) {
        var mine = document.createElement("small");
        mine.className = "my-reason" + (moved ? " is-moved" : "");
        var label = moved
          ? (root.dataset.labelMoved || "You moved from place {from} to {to} because:")
            .replace("{from}", moved.from).replace("{to}", moved.to)
          : (root.dataset.labelWhy || "You are here because:");
        mine.textContent = label + " " + why.textContent;
        row.appendChild(mine);
      }
    }
    var place = panel.querySelector("[data-my-position]");
    if (place && row) {  // rows are in queue order: a row's place is its index + 1
      place.textContent = myPlace;
    }
    var key = panelKey();
    var version = shownVersion();
    if (key !== null && key !== panel.dataset.key && panelFetchedFor !== version) {
      panelFetchedFor = version;
      fetch(meUrl, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var template = document.createElement("template");
          template.innerHTML = html.trim();
          var fresh = template.content.firstElementChild;
          var current = document.getElementById("my-panel");
          if (fresh && current) {
            var focusedId = keepTyping(current, fresh);
            current.replaceWith(fresh);
            if (focusedId) {
              var again = document.getElementById(focusedId);
              if (again) { again.focus(); }
            }
            if (window.htmx && typeof window.htmx.process === "function") { window.htmx.process(fresh); }
            afterUpdate();
          }
        })
        .catch(function () { /* tried again on the next version */ });
    }
  }

  function onFrame(event) {
    var frame;
    try { frame = JSON.parse(event.data); } catch (e) { refetch(); return; }
    var before = shownVersion();
    var version = parseInt(frame.version, 10) || 0;
    apply(frame.content || "", version);
    if (version > before + 1 && before > 0) {
      // A gap: the frame carried the whole state, so the page is current; re-fetch once, a little later and
      // spread out, to be sure (a burst in a large hall must not become a burst of requests).
      if (gapTimer === null) {
        gapTimer = setTimeout(function () { gapTimer = null; refetch(); }, 200 + Math.random() * 1800);
      }
    }
  }

  function wsUrl() {
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + window.location.host + root.dataset.wsPath;
  }

  function connect() {
    if (stopped || socket) { return; }
    var ws = new WebSocket(wsUrl());
    socket = ws;
    ws.addEventListener("open", function () {
      attempt = 0;
      setStatus(true);
      refetch();
    });
    ws.addEventListener("message", onFrame);
    ws.addEventListener("close", function (event) {
      if (socket === ws) { socket = null; }
      setStatus(false);
      if (stopped) { return; }
      if (event.code === 4401 || event.code === 4403) { return; } // logged out or not allowed: stop
      attempt += 1;
      var delay = Math.min(500 * Math.pow(2, attempt - 1), 30000) * (0.7 + Math.random() * 0.6);
      retryTimer = setTimeout(function () { retryTimer = null; connect(); }, delay);
    });
  }

  /* A small handle for debugging and the browser tests: drop the connection, and come back. */
  window.meetingLive = {
    disconnect: function () {
      stopped = true;
      if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
      if (socket) { socket.close(); }
    },
    connect: function () { stopped = false; connect(); },
    version: shownVersion,
    refetch: refetch
  };

  document.addEventListener("htmx:after:swap", afterUpdate);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && !socket && !stopped) { connect(); }
  });
  setStatus(false);
  afterUpdate();
  connect();
})();
