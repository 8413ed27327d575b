/* Live fragments for ballot and proposal pages (docs/ballots.md, "Live count").
 *
 * The element carrying data-live-ws (the WebSocket path) and data-live-url (the same fragments over HTTP) is the
 * root. Each frame is JSON {version, content}; content holds top-level elements with ids and data-version. An
 * element is replaced only by a newer version of itself, so a late frame never undoes a newer one. On (re)connect
 * the fragments are fetched over HTTP once, so nothing missed while offline stays missing.
 * No inline code: the Content-Security-Policy allows scripts from 'self' only.
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-live-ws]");
  if (!root) { return; }
  var socket = null;
  var attempt = 0;

  function apply(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    Array.prototype.slice.call(template.content.children).forEach(function (fresh) {
      var old = fresh.id ? document.getElementById(fresh.id) : null;
      if (!old) { return; }
      var had = parseInt(old.dataset.version, 10) || 0;
      var got = parseInt(fresh.dataset.version, 10) || 0;
      if (got > had) { old.replaceWith(fresh); }
    });
  }

  function refetch() {
    fetch(root.dataset.liveUrl, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(apply)
      .catch(function () { /* the next frame or reconnect tries again */ });
  }

  function connect() {
    if (socket) { return; }
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    var ws = new WebSocket(scheme + "//" + window.location.host + root.dataset.liveWs);
    socket = ws;
    ws.addEventListener("open", function () { attempt = 0; root.classList.add("is-live"); refetch(); });
    ws.addEventListener("message", function (event) {
      try { apply(JSON.parse(event.data).content || ""); } catch (e) { refetch(); }
    });
    ws.addEventListener("close", function (event) {
      socket = null;
      root.classList.remove("is-live");
      if (event.code === 4401 || event.code === 4403) { return; }
      attempt += 1;
      setTimeout(connect, Math.min(500 * Math.pow(2, attempt - 1), 30000) * (0.7 + Math.random() * 0.6));
    });
  }

  document.addEventListener("visibilitychange", function () { if (!document.hidden) { connect(); } });
  connect();
})();
