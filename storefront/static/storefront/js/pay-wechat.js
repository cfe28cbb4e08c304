// WeChat Pay inside WeChat's browser (JSAPI): open the pay sheet with the signed parameters the page
// carries, then go to the return page, which asks WeChat Pay itself whether the payment went through.
(function () {
  "use strict";
  var button = document.getElementById("wechat-pay");
  if (!button) { return; }
  function pay() {
    var d = button.dataset;
    if (typeof window.WeixinJSBridge === "undefined") { return; }
    window.WeixinJSBridge.invoke("getBrandWCPayRequest", {
      appId: d.appid, timeStamp: d.timestamp, nonceStr: d.nonce,
      "package": d["package"], signType: d.signType, paySign: d.paySign
    }, function () { window.location.href = d.returnUrl; });
  }
  button.addEventListener("click", pay);
  if (typeof window.WeixinJSBridge === "undefined") {
    document.addEventListener("WeixinJSBridgeReady", pay, false);
  } else {
    pay();
  }
}());
