/* The lesson and quiz player: sends answers, shows feedback, and never loses an answer.
 *
 * Each answer is put in a queue in this browser (localStorage) before it is
 * sent, with a client id made once per answer. If the network is down the
 * answer waits and is sent when it returns (the "online" event, page loads,
 * and every 15 seconds). The server stores each client id once, so a retry or
 * a double tap never makes two answers.
 */
(function () {
  "use strict";

  var QUEUE_KEY = "quizapp-answer-queue-v1";
  var form = document.querySelector(".question-form");

  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID().replace(/-/g, ""); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    var out = "";
    for (var i = 0; i < bytes.length; i++) { out += ("0" + bytes[i].toString(16)).slice(-2); }
    return out;
  }

  function readQueue() {
    try { return JSON.parse(window.localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }
  function writeQueue(queue) {
    try { window.localStorage.setItem(QUEUE_KEY, JSON.stringify(queue)); } catch (e) { /* private mode: best effort */ }
  }
  // A password a pupil typed is never written to the tablet's storage: such
  // answers wait in memory only (and are lost if the page is closed offline).
  var memoryQueue = [];

  function enqueue(item) {
    if (item.inMemory) { memoryQueue.push(item); return; }
    var queue = readQueue();
    for (var i = 0; i < queue.length; i++) { if (queue[i].payload.client_id === item.payload.client_id) { return; } }
    queue.push(item);
    writeQueue(queue);
  }
  function dequeue(clientId) {
    memoryQueue = memoryQueue.filter(function (item) { return item.payload.client_id !== clientId; });
    writeQueue(readQueue().filter(function (item) { return item.payload.client_id !== clientId; }));
  }

  function post(url, payload) {
    return window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, body: body };
      });
    });
  }

  var flushing = false;
  function flush() {
    if (flushing) { return; }
    var queue = readQueue().concat(memoryQueue);
    if (!queue.length) { return; }
    flushing = true;
    var next = function (i) {
      if (i >= queue.length) { flushing = false; updatePending(); return; }
      var item = queue[i];
      post(item.url, item.payload).then(function (result) {
        // Stored (or refused for good, e.g. a page from another pupil): either way it leaves the queue.
        if (result.status < 500) { dequeue(item.payload.client_id); }
        if (form && form.querySelector("input[name=client_id]").value === item.payload.client_id) {
          if (result.status === 200) { showResult(result.body); } else if (result.status < 500) { showError(result.body.error); }
        }
        next(i + 1);
      }, function () { flushing = false; updatePending(); });
    };
    next(0);
  }

  function updatePending() {
    var note = document.querySelector(".pending-note");
    var count = readQueue().length + memoryQueue.length;
    if (!note) { return; }
    note.hidden = count === 0;
    note.textContent = count === 1 ? "1 answer is saved on this tablet. It will be sent when the internet is back." :
      count + " answers are saved on this tablet. They will be sent when the internet is back.";
  }

  window.addEventListener("online", flush);
  window.setInterval(flush, 15000);

  // ------------------------------------------------------------- feedback

  function sayButton(text) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "say";
    button.setAttribute("data-say", text);
    button.setAttribute("aria-label", "Read aloud");
    var img = document.createElement("img");
    img.src = document.querySelector("link[rel=icon]").href.replace("favicon.svg", "speaker.svg");
    img.alt = "";
    img.width = 28;
    img.height = 28;
    button.appendChild(img);
    return button;
  }

  function feedbackBox() { return form.querySelector(".feedback"); }

  // A short happy sound, or a gentle "try again" one: made with the Web Audio
  // API (no sound files), unless the pupil turned sounds off.
  function playSound(good) {
    if (document.body.getAttribute("data-sounds") !== "1") { return; }
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    try {
      var audio = new Context();
      var notes = good ? [523.25, 659.25, 783.99] : [392, 329.63];
      notes.forEach(function (freq, i) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        var at = audio.currentTime + i * 0.14;
        osc.type = good ? "triangle" : "sine";
        osc.frequency.setValueAtTime(freq, at);
        gain.gain.setValueAtTime(0.0001, at);
        gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
        osc.connect(gain);
        gain.connect(audio.destination);
        osc.start(at);
        osc.stop(at + 0.32);
      });
      window.setTimeout(function () { if (audio.close) { audio.close(); } }, 1200);
    } catch (e) { /* no sound: the picture still shows */ }
  }

  // The part of the question a feedback line is about (an option, item or step).
  function partFor(ref) {
    var parts = form.querySelectorAll("[data-ref]");
    for (var i = 0; i < parts.length; i++) { if (parts[i].getAttribute("data-ref") === ref) { return parts[i]; } }
    return null;
  }

  // Lines follow the on-screen order of their parts; lines without one keep theirs at the end.
  function inScreenOrder(lines) {
    var all = Array.prototype.slice.call(form.querySelectorAll("[data-ref]"));
    return lines.map(function (line, i) { return { line: line, i: i, at: all.indexOf(partFor(line.ref)) }; })
      .sort(function (a, b) { return (a.at < 0 ? 1e6 + a.i : a.at) - (b.at < 0 ? 1e6 + b.i : b.at); })
      .map(function (x) { return x.line; });
  }

  function clearMarks() {
    var marked = form.querySelectorAll(".qt-feedback--wrong, .qt-feedback--right");
    for (var i = 0; i < marked.length; i++) { marked[i].classList.remove("qt-feedback--wrong", "qt-feedback--right"); }
  }

  function showResult(body) {
    var box = feedbackBox();
    box.innerHTML = "";
    box.className = "feedback feedback--" + (body.correct ? "good" : "think");
    var mark = document.createElement("img");
    mark.className = "feedback-mark";
    mark.src = document.querySelector("link[rel=icon]").href.replace("favicon.svg", body.correct ? "tick.svg" : "try-again.svg");
    mark.alt = body.correct ? "A big tick" : "A friendly face: try again";
    box.appendChild(mark);
    clearMarks();
    (body.lines || []).forEach(function (line) {
      var part = partFor(line.ref);
      if (part) { part.classList.add(line.good ? "qt-feedback--right" : "qt-feedback--wrong"); }
    });
    body.lines = inScreenOrder(body.lines || []);
    playSound(!!body.correct);
    var head = document.createElement("p");
    head.className = "feedback-summary";
    head.textContent = body.summary;
    head.appendChild(document.createTextNode(" "));
    head.appendChild(sayButton(body.summary));
    box.appendChild(head);
    var list = document.createElement("ul");
    list.className = "feedback-lines";
    (body.lines || []).forEach(function (line) {
      var li = document.createElement("li");
      li.className = "feedback-line feedback-line--" + (line.good ? "good" : "think");
      li.textContent = line.text + " ";
      li.appendChild(sayButton(line.text));
      list.appendChild(li);
    });
    box.appendChild(list);
    if (!body.correct) {
      var again = document.createElement("button");
      again.type = "button";
      again.className = "button button--big try-again";
      again.textContent = "Try again";
      again.addEventListener("click", resetForAnotherTry);
      box.appendChild(again);
    }
    markAnswered();
    box.focus();
    if (window.StaySafeRead) { window.StaySafeRead.readIn(box); }
  }

  function showError(message) {
    var box = feedbackBox();
    box.className = "feedback feedback--error";
    box.textContent = message || "That did not work. Please try again.";
    unlock();
  }

  function showQueued() {
    var box = feedbackBox();
    box.className = "feedback feedback--queued";
    box.textContent = "Your answer is saved on this tablet. It will be sent when the internet is back. You can carry on.";
    markAnswered();
  }

  function markAnswered() {
    form.classList.add("question-form--answered");
    var check = form.querySelector(".check-button");
    if (check) { check.disabled = true; }
  }

  function unlock() {
    form.dataset.submitted = "";
    var check = form.querySelector(".check-button");
    if (check) { check.disabled = false; }
  }

  function resetForAnotherTry() {
    form.querySelector("input[name=client_id]").value = newId();
    form.classList.remove("question-form--answered");
    feedbackBox().innerHTML = "";
    feedbackBox().className = "feedback";
    clearMarks();
    unlock();
  }

  // --------------------------------------------------------------- submit

  function fieldsOf(theForm, submitter) {
    var data = new window.FormData(theForm);
    var fields = {};
    data.forEach(function (value, key) {
      if (["module", "question", "source", "client_id", "answer_token", "csrf_token"].indexOf(key) >= 0) { return; }
      (fields[key] = fields[key] || []).push(value);
    });
    if (submitter && submitter.name) { (fields[submitter.name] = fields[submitter.name] || []).push(submitter.value); }
    return fields;
  }

  function payloadOf(theForm, submitter) {
    return {
      module: theForm.dataset.module,
      question: theForm.dataset.question,
      source: theForm.dataset.source,
      client_id: theForm.querySelector("input[name=client_id]").value,
      token: theForm.querySelector("input[name=answer_token]").value,
      fields: fieldsOf(theForm, submitter)
    };
  }

  function submitAnswer(submitter) {
    var payload = payloadOf(form, submitter);
    var url = form.getAttribute("action");
    enqueue({ url: url, payload: payload, pupil: form.dataset.pupil, inMemory: form.hasAttribute("data-private") });
    post(url, payload).then(function (result) {
      if (result.status < 500) { dequeue(payload.client_id); }
      if (result.status === 200) { showResult(result.body); }
      else if (result.status >= 500) { showQueued(); }
      else { showError(result.body.error); }
      updatePending();
    }, function () { showQueued(); updatePending(); });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      event.stopImmediatePropagation();
      var submitter = event.submitter || null;
      if (form.hasAttribute("data-walks") && window.QuizappChat) {
        window.QuizappChat.choose(form, submitter, { post: post, submitAnswer: submitAnswer });
        return;
      }
      if (form.dataset.submitted === "1") { return; }
      form.dataset.submitted = "1";
      var check = form.querySelector(".check-button");
      if (check) { check.disabled = true; }
      submitAnswer(submitter);
    }, true);
    var pending = document.createElement("p");
    pending.className = "pending-note";
    pending.setAttribute("role", "status");
    pending.hidden = true;
    form.parentNode.insertBefore(pending, form.nextSibling);
  }

  // ------------------------------------------------------ no silent skips
  // Next before an answer asks "Skip this one?" (read aloud with Read to me).
  function askSkip(nextForm) {
    var old = document.querySelector(".skip-ask");
    if (old) { old.parentNode.removeChild(old); }
    var panel = document.createElement("div");
    panel.className = "skip-ask";
    panel.setAttribute("role", "group");
    panel.setAttribute("aria-labelledby", "skip-ask-words");
    var words = document.createElement("p");
    words.id = "skip-ask-words";
    words.textContent = "Skip this one? You have not answered it yet.";
    words.appendChild(document.createTextNode(" "));
    words.appendChild(sayButton("Skip this one? You have not answered it yet."));
    panel.appendChild(words);
    var row = document.createElement("div");
    row.className = "button-row";
    var no = document.createElement("button");
    no.type = "button";
    no.className = "button button--primary button--big skip-no";
    no.textContent = "No, I will answer it";
    no.addEventListener("click", function () { panel.parentNode.removeChild(panel); form.querySelector(".prompt").scrollIntoView(); });
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "button button--big skip-yes";
    yes.textContent = "Yes, skip it";
    yes.addEventListener("click", function () { nextForm.dataset.skipOk = "1"; nextForm.submit(); });
    row.appendChild(no);
    row.appendChild(yes);
    panel.appendChild(row);
    nextForm.parentNode.insertBefore(panel, nextForm);
    no.focus();
    if (window.StaySafeRead) { window.StaySafeRead.readIn(panel); }
  }

  // Answered on an earlier visit to this page: stored (the server says so),
  // or still waiting in this tablet's queue for the internet to come back.
  function answeredBefore() {
    if (form.hasAttribute("data-answered-before")) { return true; }
    var queue = readQueue().concat(memoryQueue);
    for (var i = 0; i < queue.length; i++) {
      var item = queue[i];
      if (item.pupil === form.dataset.pupil && item.payload.question === form.dataset.question &&
          item.payload.source === form.dataset.source) { return true; }
    }
    return false;
  }

  var nextButton = document.querySelector(".next-button");
  if (form && nextButton && nextButton.form) {
    nextButton.form.addEventListener("submit", function (event) {
      var nextForm = nextButton.form;
      if (form.classList.contains("question-form--answered") || nextForm.dataset.skipOk === "1" || answeredBefore()) { return; }
      event.preventDefault();
      event.stopImmediatePropagation();
      askSkip(nextForm);
    }, true);
  }

  updatePending();
  flush();
  window.QuizappPlayer = { flush: flush, queueLength: function () { return readQueue().length + memoryQueue.length; } };
})();
