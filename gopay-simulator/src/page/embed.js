/*
 * GoPay simulator: the inline-gateway script (the stand-in for GoPay's embed.js).
 *
 * _gopay.checkout({gatewayUrl: gw_url, inline: true|false}, callback)
 *
 * inline false (or an iframe that cannot be shown): the current window opens gatewayUrl.
 * inline true: gatewayUrl opens in a full-window iframe overlay. When the gateway sends the
 * customer back to the shop (the overlay lands on a page of the shop's origin), the overlay is
 * removed and callback is called with {url, id}: the return URL and the payment id taken from
 * its query. Without a callback the window follows the return URL instead.
 */
(function (window) {
  "use strict";
  if (window._gopay && window._gopay.checkout) {
    return;
  }

  function paymentId(url) {
    var match = /[?&]id=([^&#]*)/.exec(url);
    return match ? decodeURIComponent(match[1]) : null;
  }

  function overlay(gatewayUrl, callback) {
    var document = window.document;
    var frame = document.createElement("iframe");
    frame.src = gatewayUrl;
    frame.id = "gopay-gateway-iframe";
    frame.setAttribute("title", "GoPay");
    frame.style.cssText =
      "position:fixed;top:0;left:0;width:100%;height:100%;border:0;z-index:2147483647;background:rgba(0,0,0,.4)";
    frame.addEventListener("load", function () {
      var url;
      try {
        // Readable only once the gateway has sent the frame back to the shop's origin.
        url = frame.contentWindow.location.href;
      } catch (e) {
        return;
      }
      if (!url || url === "about:blank" || url.indexOf(gatewayUrl) === 0) {
        return;
      }
      frame.parentNode.removeChild(frame);
      if (typeof callback === "function") {
        callback({ url: url, id: paymentId(url) });
      } else {
        window.location.href = url;
      }
    });
    document.body.appendChild(frame);
  }

  window._gopay = {
    checkout: function (options, callback) {
      var gatewayUrl = options && options.gatewayUrl;
      if (!gatewayUrl) {
        throw new Error("_gopay.checkout: gatewayUrl is required");
      }
      if (options.inline && window.document.body) {
        overlay(gatewayUrl, callback);
      } else {
        window.location.href = gatewayUrl;
      }
    }
  };
})(window);
