/* The auction room: a countdown, and the auction's state polled from data-state-url every
   data-poll-ms (best prices, lots, the trader's standing). Words come translated in data-ended,
   data-mine-empty and data-lot-word: the page has no inline script (Content-Security-Policy). */
(function () {
  "use strict";
  var room = document.getElementById("auction-room");
  if (!room || !window.fetch) { return; }
  var stateUrl = room.dataset.stateUrl, pollMs = parseInt(room.dataset.pollMs, 10) || 2000;
  var secondsLeft = parseInt(room.dataset.secondsLeft, 10) || 0;
  var endsAt = Date.now() + secondsLeft * 1000, open = secondsLeft > 0;
  var ended = room.dataset.ended, mineEmpty = room.dataset.mineEmpty, lotWord = room.dataset.lotWord;
  function field(name, scope) { return (scope || room).querySelector('[data-field="' + name + '"]'); }
  function put(name, value, scope) { var el = field(name, scope); if (el) { el.textContent = value === null || value === undefined ? "—" : value; } }
  function tick() {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    if (!open || left === 0) { put("countdown", ended); return; }
    var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
    put("countdown", (h ? h + ":" : "") + (m < 10 && h ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s);
  }
  function render(state) {
    open = state.status === "open";
    endsAt = Date.now() + state.seconds_left * 1000;
    put("status", state.status_label); put("extensions", state.extensions); put("best-price", state.best_price);
    put("bid-count", state.bid_count); put("live-bid-count", state.live_bid_count);
    put("ends-at", state.ends_at.replace("T", " ").slice(0, 19));
    state.lots.forEach(function (lot) {
      var row = room.querySelector('[data-lot="' + lot.lot_id + '"]');
      if (row) { put("lot-best", lot.best_price, row); put("lot-live", lot.live_quantity, row); }
    });
    var list = field("mine");
    list.textContent = "";
    if (!state.mine.length) { var none = document.createElement("li"); none.className = "muted"; none.textContent = mineEmpty; list.appendChild(none); }
    state.mine.forEach(function (bid) {
      var li = document.createElement("li");
      li.className = "standing--" + bid.standing;
      li.textContent = lotWord + " " + bid.lot_id + ": " + bid.quantity + " t @ " + bid.price + " · " + bid.label;
      list.appendChild(li);
    });
    tick();
  }
  function poll() {
    fetch(stateUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) { if (state) { render(state); } })
      .catch(function () {})
      .then(function () { if (open) { setTimeout(poll, pollMs); } });
  }
  tick();
  setInterval(tick, 1000);
  setTimeout(poll, pollMs);
})();
