/* Stay Safe Online: small progressive enhancements. Every page works without them. */
(function () {
  "use strict";

  // The adults' header menu: folded behind "Menu" on narrow screens (CSS), opened here.
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest ? event.target.closest(".menu-toggle") : null;
    if (!toggle) { return; }
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (menu) { menu.classList.toggle("site-menu--open", open); }
  });

  // A double-tapped submit sends one request.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    var buttons = form.querySelectorAll("button[data-once]");
    for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = true; }
    // If the browser comes back to this page (bfcache), let it be used again.
    window.setTimeout(function () { form.dataset.submitted = ""; }, 4000);
    // A form that downloads a file (data-download) stays on this page: let it be used again.
    if (form.hasAttribute("data-download")) {
      window.setTimeout(function () {
        for (var j = 0; j < buttons.length; j++) { buttons[j].disabled = false; }
      }, 4000);
    }
  });

  // A letter's QR code opens the sign-up page as /parent/register#code=K7QM-4TXA.
  // The part after "#" never reaches the server (nor its logs): fill the field
  // here, then take the code out of the address bar and the history.
  var codeMatch = /^#code=([A-Za-z0-9 -]{1,40})$/.exec(window.location.hash);
  var codeField = codeMatch ? document.querySelector("form[data-fill-code] input[name=code]") : null;
  if (codeField) {
    if (!codeField.value) { codeField.value = codeMatch[1]; }
    if (window.history.replaceState) { window.history.replaceState(null, "", window.location.pathname + window.location.search); }
  }
  window.addEventListener("pageshow", function () {
    var used = document.querySelectorAll("button[data-once]");
    for (var i = 0; i < used.length; i++) { used[i].disabled = false; }
  });

  // ---------------------------------------------------------------- read aloud
  // Every .say button reads its text (data-say, or the element named by
  // data-say-target) with the browser's own voice. Where the device reports
  // word boundaries, the words light up as they are read.
  var synth = window.speechSynthesis;
  var speaking = null; // {button, target, original}

  // Prefer an English voice, and among those one that runs on the device
  // itself (localService), so the words read out (which may include a
  // child's first name) stay on the tablet where it can.
  function pickVoice() {
    var voices = synth.getVoices();
    var scored = voices.map(function (voice) {
      var lang = (voice.lang || "").toLowerCase().replace("_", "-");
      // English first (British best), then on the device rather than online.
      var score = (lang === "en-gb" ? 4 : lang.indexOf("en") === 0 ? 2 : 0) + (voice.localService ? 1 : 0);
      return { voice: voice, score: score };
    });
    scored.sort(function (a, b) { return b.score - a.score; });
    return scored.length ? scored[0].voice : null;
  }

  function noVoice(button) {
    if (button.nextElementSibling && button.nextElementSibling.className === "no-voice") { return; }
    var note = document.createElement("span");
    note.className = "no-voice";
    note.setAttribute("role", "status");
    note.textContent = " This tablet cannot read aloud right now. Ask a grown-up to read it with you.";
    button.insertAdjacentElement("afterend", note);
    window.setTimeout(function () { if (note.parentNode) { note.parentNode.removeChild(note); } }, 8000);
  }

  // The words on screen that this button reads, if they are plain text we can light up.
  function textElementFor(button, text) {
    var id = button.getAttribute("data-say-target");
    var el = id ? document.getElementById(id) : button.previousElementSibling;
    if (!el || el.children.length || el.textContent.trim() !== text.trim()) { return null; }
    return el;
  }

  function wrapWords(el) {
    var original = el.textContent;
    el.textContent = "";
    var parts = original.split(/(\s+)/);
    var offset = 0;
    parts.forEach(function (part) {
      if (/^\s+$/.test(part) || part === "") {
        el.appendChild(document.createTextNode(part));
      } else {
        var span = document.createElement("span");
        span.textContent = part;
        span.setAttribute("data-at", String(offset));
        el.appendChild(span);
      }
      offset += part.length;
    });
    return original;
  }

  function stopSpeaking() {
    if (!speaking) { return; }
    speaking.button.classList.remove("say--speaking");
    if (speaking.target) { speaking.target.textContent = speaking.original; }
    speaking = null;
  }

  function highlight(target, charIndex) {
    var spans = target.querySelectorAll("span[data-at]");
    for (var i = 0; i < spans.length; i++) {
      var at = parseInt(spans[i].getAttribute("data-at"), 10);
      var next = i + 1 < spans.length ? parseInt(spans[i + 1].getAttribute("data-at"), 10) : Infinity;
      spans[i].classList.toggle("say-word", charIndex >= at && charIndex < next);
    }
  }

  function speak(button, retried) {
    var targetId = button.getAttribute("data-say-target");
    var text = targetId && document.getElementById(targetId) ? document.getElementById(targetId).textContent : (button.getAttribute("data-say") || "");
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function") { noVoice(button); return; }
    if (!synth.getVoices().length) {
      // Some devices load their voices a moment after the page: wait once.
      if (retried) { noVoice(button); return; }
      var waited = false;
      var go = function () { if (!waited) { waited = true; speak(button, true); } };
      synth.addEventListener && synth.addEventListener("voiceschanged", go, { once: true });
      window.setTimeout(go, 800);
      return;
    }
    synth.cancel();
    stopSpeaking();
    var utterance = new window.SpeechSynthesisUtterance(text.trim());
    var voice = pickVoice();
    if (voice) { utterance.voice = voice; utterance.lang = voice.lang; } else { utterance.lang = "en-GB"; }
    utterance.rate = 0.9;
    var target = textElementFor(button, text);
    speaking = { button: button, target: target, original: target ? wrapWords(target) : null };
    button.classList.add("say--speaking");
    var mine = speaking;
    utterance.onboundary = function (event) {
      if (speaking === mine && mine.target && event.name !== "sentence") { highlight(mine.target, event.charIndex); }
    };
    utterance.onend = function () { if (speaking === mine) { stopSpeaking(); } };
    utterance.onerror = function (event) {
      if (speaking === mine) { stopSpeaking(); }
      if (event.error && event.error !== "interrupted" && event.error !== "canceled") { noVoice(button); }
    };
    synth.speak(utterance);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".say") : null;
    if (button) { event.preventDefault(); speak(button, false); }
  });

  // ------------------------------------------------------------ read to me
  // With the pupil's "Read to me" setting on (body[data-read-to-me]), a page
  // marked [data-read-page] reads its speakers in on-screen order, lighting
  // up each part (an option, a step, a person) while it is read. Any tap or
  // key stops it at once; the speakers stay for reading again.
  var reading = null; // {queue: [buttons], lit: element}
  var readToMe = document.body.getAttribute("data-read-to-me") === "1";

  function visible(el) { return el.getClientRects().length > 0 && !el.closest("[data-no-autoread]"); }

  function textOf(button) {
    var id = button.getAttribute("data-say-target");
    return (id && document.getElementById(id) ? document.getElementById(id).textContent : (button.getAttribute("data-say") || "")).trim();
  }

  function stopReading() {
    if (!reading) { return; }
    if (reading.lit) { reading.lit.classList.remove("read-lit"); }
    reading = null;
    if (synth) { synth.cancel(); }
  }

  function showNoVoice() {
    if (document.querySelector(".no-voice-banner")) { return; }
    var banner = document.createElement("p");
    banner.className = "no-voice-banner";
    banner.setAttribute("role", "status");
    var img = document.createElement("img");
    img.src = (document.querySelector("link[rel=icon]") || { href: "/static/img/favicon.svg" }).href.replace("favicon.svg", "no-voice.svg");
    img.alt = "";
    img.width = 64;
    img.height = 64;
    banner.appendChild(img);
    banner.appendChild(document.createTextNode(" This tablet cannot read aloud. Ask a grown-up to read with you."));
    var main = document.getElementById("main");
    if (main) { main.insertBefore(banner, main.firstChild); }
    var report = document.body.getAttribute("data-no-voice-url");
    if (report && window.fetch) {
      var token = document.getElementById("page-csrf-token");
      window.fetch(report, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": token ? token.value : "" } }).catch(function () {});
    }
  }

  function readNext(mine) {
    if (reading !== mine) { return; }
    if (mine.lit) { mine.lit.classList.remove("read-lit"); mine.lit = null; }
    var button = mine.queue.shift();
    if (!button) { reading = null; return; }
    var text = textOf(button);
    if (!text) { readNext(mine); return; }
    mine.lit = button.closest("[data-read-item]") || button.parentElement;
    if (mine.lit) { mine.lit.classList.add("read-lit"); }
    var utterance = new window.SpeechSynthesisUtterance(text);
    var voice = pickVoice();
    if (voice) { utterance.voice = voice; utterance.lang = voice.lang; } else { utterance.lang = "en-GB"; }
    utterance.rate = 0.9;
    utterance.onend = function () { readNext(mine); };
    utterance.onerror = function () { readNext(mine); };
    synth.speak(utterance);
  }

  // Read these speakers, in order (a list of .say buttons).
  function readAll(buttons, retried) {
    if (!readToMe) { return; }
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function") { showNoVoice(); return; }
    if (!synth.getVoices().length && !retried) {
      var waited = false;
      var go = function () { if (!waited) { waited = true; readAll(buttons, true); } };
      synth.addEventListener && synth.addEventListener("voiceschanged", go, { once: true });
      window.setTimeout(go, 800);
      return;
    }
    if (!synth.getVoices().length) { showNoVoice(); return; }
    stopReading();
    stopSpeaking();
    reading = { queue: Array.prototype.filter.call(buttons, visible), lit: null };
    readNext(reading);
  }
  function readIn(container) { if (container) { readAll(container.querySelectorAll(".say")); } }
  window.StaySafeRead = { readIn: readIn, readAll: readAll, stop: stopReading, on: readToMe, busy: function () { return !!reading; } };

  ["pointerdown", "keydown"].forEach(function (type) {
    document.addEventListener(type, function () { stopReading(); }, true);
  });
  var page = document.querySelector("[data-read-page]");
  if (page && readToMe) { readIn(page); }

  // A print button prints the page (print CSS shows the certificate alone).
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
  });

  // --------------------------------------------------------------- picture PIN
  var pinForm = document.querySelector(".pin-form");
  if (pinForm) {
    var length = parseInt(pinForm.getAttribute("data-pin-length"), 10) || 3;
    var soFar = pinForm.querySelector("input[name=so_far]");
    var pinInput = pinForm.querySelector("input[name=pin]");
    var dots = pinForm.querySelectorAll(".pin-dot");
    var progress = pinForm.querySelector(".pin-progress");
    var clear = pinForm.querySelector(".pin-clear");
    var picks = soFar.value ? soFar.value.split("-") : [];

    var show = function () {
      for (var i = 0; i < dots.length; i++) { dots[i].classList.toggle("pin-dot--filled", i < picks.length); }
      progress.textContent = "Pictures tapped: " + picks.length + " of " + length;
      clear.hidden = picks.length === 0;
    };
    pinForm.addEventListener("click", function (event) {
      var button = event.target.closest(".pin-button");
      if (!button) { return; }
      event.preventDefault();
      if (picks.length >= length) { return; }
      picks.push(button.value);
      show();
      if (picks.length === length) {
        pinInput.value = picks.join("-");
        soFar.value = "";
        pinForm.submit();
      }
    });
    clear.addEventListener("click", function () { picks = []; soFar.value = ""; show(); });
    show();
  }
})();
