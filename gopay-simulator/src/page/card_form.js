/*
 * GoPay simulator: the card form's script (the stand-in for GoPay's card iframe).
 *
 * It accepts only the simulator's test card numbers (listed on the page, read from its
 * #test-cards rows) and turns one into a payload shaped as a compact JWE: the protected
 * header names the simulator's key (data-kid) and the form's content type (data-cty); the
 * "ciphertext" names only the card's behaviour and a random nonce. Nothing is encrypted and
 * nothing of what was typed leaves the page: the payload is shown in #payload and, when the
 * page was opened with ?origin=, posted to the parent window for exactly that origin.
 */
(function (window) {
  "use strict";
  var document = window.document;
  var form = document.getElementById("card-form");
  if (!form) {
    return;
  }
  var field = function (id) {
    return document.getElementById(id);
  };

  /* The test cards: card number (digits only) -> behaviour. */
  function testCards() {
    var cards = {};
    var rows = document.querySelectorAll("#test-cards [data-pan]");
    for (var i = 0; i < rows.length; i++) {
      cards[rows[i].getAttribute("data-pan")] = rows[i].getAttribute("data-card");
    }
    return cards;
  }

  function base64url(bytes) {
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function text(value) {
    return base64url(new window.TextEncoder().encode(value));
  }

  function random(length) {
    var bytes = new Uint8Array(length);
    window.crypto.getRandomValues(bytes);
    return bytes;
  }

  function hex(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i++) {
      out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    }
    return out;
  }

  /* The payload for a card that behaves as `card`; header fields in the simulator's order. */
  function payload(card) {
    var header = JSON.stringify({
      alg: "RSA-OAEP-256",
      enc: "A256GCM",
      kid: form.getAttribute("data-kid"),
      cty: form.getAttribute("data-cty")
    });
    var inside = JSON.stringify({ card: card, nonce: hex(random(16)) });
    return [text(header), base64url(random(32)), base64url(random(12)), text(inside),
      base64url(random(16))].join(".");
  }

  /* Why the expiry (MM/YY) cannot be used, or null. */
  function expiryProblem(value) {
    var match = /^\s*(\d{2})\s*\/\s*(\d{2})\s*$/.exec(value);
    if (!match) {
      return "Type the expiry as MM/YY.";
    }
    var month = Number(match[1]);
    var year = 2000 + Number(match[2]);
    if (month < 1 || month > 12) {
      return "The expiry month is 01 to 12.";
    }
    var now = new Date();
    if (year < now.getFullYear() || (year === now.getFullYear() && month < now.getMonth() + 1)) {
      return "This card has expired.";
    }
    return null;
  }

  function show(error, result) {
    var message = field("error");
    message.textContent = error || "";
    message.hidden = !error;
    field("payload").textContent = result || "";
    field("payload-box").hidden = !result;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var cards = testCards();
    var number = field("card-number").value.replace(/[\s-]/g, "");
    var card = Object.prototype.hasOwnProperty.call(cards, number) ? cards[number] : null;
    if (!card) {
      var list = Object.keys(cards).map(function (pan) {
        return pan.replace(/(\d{4})(?=\d)/g, "$1 ");
      });
      show("Only the simulator's test cards are accepted: " + list.join(", ") +
        ". Never type a real card number here.");
      return;
    }
    var problem = expiryProblem(field("expiry").value);
    if (!problem && !/^\d{3}$/.test(field("cvc").value.trim())) {
      problem = "The CVC is three digits.";
    }
    if (problem) {
      show(problem);
      return;
    }
    var result = payload(card);
    show(null, result);
    var origin = form.getAttribute("data-origin");
    if (origin && window.parent !== window) {
      window.parent.postMessage({ type: "gopay-sim-card-payload", payload: result }, origin);
    }
  });
})(window);
