// Public tip-off pages (templates/tipoffs/new.html, receipt.html). No inline script (CSP).
// 1. Proof-of-work before sending (hashcash): find a nonce so that SHA-256("<challenge>:<nonce>")
//    starts with data-pow-bits zero bits; the server checks it (tipoffs/abuse.py). SHA-256 is
//    computed here in plain JavaScript because crypto.subtle is missing on plain-HTTP intranets.
//    Without JavaScript the form still sends, under a stricter rate limit.
// 2. Enterprise name suggestions into the field's <datalist> (two characters at least).
// 3. The receipt card's copy button.
(function () {
  "use strict";

  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];

  // SHA-256 of an ASCII string, as eight signed 32-bit words.
  function sha256(msg) {
    var l = msg.length, words = [], i, t;
    var n = (((l + 8) >> 6) + 1) * 16;
    for (i = 0; i < n; i++) { words[i] = 0; }
    for (i = 0; i < l; i++) { words[i >> 2] |= msg.charCodeAt(i) << (24 - (i % 4) * 8); }
    words[l >> 2] |= 0x80 << (24 - (l % 4) * 8);
    words[n - 1] = l * 8;
    var H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var W = new Array(64);
    for (var j = 0; j < n; j += 16) {
      var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
      for (t = 0; t < 64; t++) {
        if (t < 16) {
          W[t] = words[j + t] | 0;
        } else {
          var x = W[t - 15], y = W[t - 2];
          var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
          var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
          W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
        }
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var ch = (e & f) ^ (~e & g);
        var t1 = (h + S1 + ch + K[t] + W[t]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var maj = (a & b) ^ (a & c) ^ (b & c);
        var t2 = (S0 + maj) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;
      H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
    }
    return H;
  }

  function zeroBits(H) {
    var z = Math.clz32(H[0]);
    return z === 32 ? 32 + Math.clz32(H[1]) : z;
  }

  // Solve in slices so the page stays responsive; call done(nonce).
  function solve(challenge, bits, done) {
    var nonce = 0;
    function slice() {
      var end = nonce + 20000;
      for (; nonce < end; nonce++) {
        if (zeroBits(sha256(challenge + ":" + nonce)) >= bits) { done(String(nonce)); return; }
      }
      setTimeout(slice, 0);
    }
    slice();
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.hasAttribute || !form.hasAttribute("data-tip-form") || form.hasAttribute("data-pow-done")) { return; }
    var challenge = form.querySelector("[name=pow_challenge]");
    var nonce = form.querySelector("[name=pow_nonce]");
    if (!challenge || !nonce || !challenge.value) { return; }
    ev.preventDefault();
    var status = form.querySelector("[data-pow-status]");
    var button = form.querySelector("[type=submit]");
    if (status) { status.classList.remove("d-none"); }
    if (button) { button.disabled = true; }
    solve(challenge.value, parseInt(form.getAttribute("data-pow-bits"), 10) || 16, function (found) {
      nonce.value = found;
      form.setAttribute("data-pow-done", "");
      form.submit();
    });
  });

  var timer = null;
  document.addEventListener("input", function (ev) {
    var input = ev.target;
    if (!input.hasAttribute || !input.hasAttribute("data-tip-suggest")) { return; }
    var form = input.closest("[data-suggest-url]");
    var list = document.getElementById(input.getAttribute("list"));
    if (!form || !list) { return; }
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { return; }
    timer = setTimeout(function () {
      fetch(form.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { names: [] }; })
        .then(function (data) {
          list.replaceChildren();
          data.names.forEach(function (name) {
            var opt = document.createElement("option");
            opt.value = name;
            list.appendChild(opt);
          });
        })
        .catch(function () { /* suggestions are optional */ });
    }, 250);
  });

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("[data-copy-button]");
    if (!button) { return; }
    var source = document.querySelector("[data-copy-source]");
    if (!source) { return; }
    var text = source.textContent.trim();
    function copied() { button.textContent = button.getAttribute("data-copied"); }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(copied);
    } else {
      var range = document.createRange();
      range.selectNodeContents(source);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      try { if (document.execCommand("copy")) { copied(); } } catch (e) { /* selected for a manual copy */ }
    }
  });

  window.SafetyMonthTips = { sha256: sha256, zeroBits: zeroBits };
})();
