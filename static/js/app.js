/* Stay Safe Online: small progressive enhancements. Every page works without them. */
(function () {
  "use strict";

  // A double-tapped submit sends one request.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    var buttons = form.querySelectorAll("button[data-once]");
    for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = true; }
    // If the browser comes back to this page (bfcache), let it be used again.
    window.setTimeout(function () { form.dataset.submitted = ""; }, 4000);
  });
  window.addEventListener("pageshow", function () {
    var used = document.querySelectorAll("button[data-once]");
    for (var i = 0; i < used.length; i++) { used[i].disabled = false; }
  });

  // ---------------------------------------------------------------- read aloud
  var synth = window.speechSynthesis;

  function pickVoice() {
    if (!synth) { return null; }
    var voices = synth.getVoices();
    var best = null;
    for (var i = 0; i < voices.length; i++) {
      var lang = (voices[i].lang || "").toLowerCase();
      if (lang === "en-gb") { return voices[i]; }
      if (!best && lang.indexOf("en") === 0) { best = voices[i]; }
    }
    return best;
  }

  function noVoice(button) {
    var note = document.createElement("span");
    note.className = "no-voice";
    note.setAttribute("role", "status");
    note.textContent = " This tablet cannot read aloud. Ask a grown-up to read it with you.";
    button.insertAdjacentElement("afterend", note);
    window.setTimeout(function () { note.remove(); }, 6000);
  }

  function speak(button) {
    var text = button.getAttribute("data-say") || "";
    var targetId = button.getAttribute("data-say-target");
    var target = targetId ? document.getElementById(targetId) : null;
    if (target) { text = target.innerText; }
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function") { noVoice(button); return; }
    synth.cancel();
    var utterance = new window.SpeechSynthesisUtterance(text);
    var voice = pickVoice();
    if (voice) { utterance.voice = voice; }
    utterance.lang = voice ? voice.lang : "en-GB";
    utterance.rate = 0.9;
    button.classList.add("say--speaking");
    utterance.onend = utterance.onerror = function () { button.classList.remove("say--speaking"); };
    synth.speak(utterance);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".say") : null;
    if (button) { event.preventDefault(); speak(button); }
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
