/* Scan a receipt's QR code with the phone's camera and fill the verification form from it.
   Uses the browser's own BarcodeDetector (no library, no CDN); where it is missing, or the camera is
   refused, the form stays as it is and a message says to type the number and code. The QR holds the
   receipt's verification URL: /exchange/receipts/<number>/verify/ with the code as ?code= (or c=).
   Words come translated in the form's data-* attributes: the page has no inline script (CSP). */
(function () {
  "use strict";
  var form = document.getElementById("verify-form");
  if (!form) { return; }
  var box = form.querySelector("[data-scan]"), start = form.querySelector("[data-scan-start]");
  var video = form.querySelector("[data-scan-video]"), status = form.querySelector("[data-scan-status]");
  var number = form.querySelector("[name=number]"), code = form.querySelector("[name=code]");
  var stream = null, timer = null;
  function say(text) { if (status) { status.textContent = text || ""; } }

  function parse(text) {
    var url;
    try { url = new URL(text, window.location.href); } catch (e) { return null; }
    var match = url.pathname.match(/\/receipts\/([^/]+)\/verify\/?$/);
    if (!match) { return null; }
    return { number: decodeURIComponent(match[1]), code: url.searchParams.get("code") || url.searchParams.get("c") || "" };
  }

  function stop() {
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
    video.hidden = true;
  }

  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    say(form.dataset.noCamera);
    return;
  }
  box.hidden = false;
  var detector;
  try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { box.hidden = true; say(form.dataset.noCamera); return; }

  function scan() {
    detector.detect(video).then(function (codes) {
      for (var i = 0; i < codes.length; i++) {
        var found = parse(codes[i].rawValue);
        if (found) {
          stop();
          number.value = found.number;
          if (found.code) { code.value = found.code; } else { code.focus(); }
          say(form.dataset.read);
          return;
        }
        say(form.dataset.notReceipt);
      }
      timer = window.setTimeout(scan, 250);
    }).catch(function () { timer = window.setTimeout(scan, 500); });
  }

  start.addEventListener("click", function () {
    stop();
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      say(form.dataset.scanning);
      return video.play().then(scan);
    }).catch(function () { stop(); say(form.dataset.noPermission); });
  });
  window.addEventListener("pagehide", stop);
})();
