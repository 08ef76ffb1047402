/* Stay Safe Online: enhancements for the question types.
 *
 * Every question is a working form without this file (radios, checkboxes,
 * selects, submit buttons). This adds: the "bins" that fill up as items are
 * placed, arrows and dragging for ordering, tap-the-picture for hotspots, the
 * password preview, and the chat that unfolds one message at a time.
 * No network code except the chat's "what comes next" request, which goes
 * through the player's own post() (player.js calls QuizappChat.choose).
 * Plain ES5 for old classroom iPads: no modules, no build step.
 */
(function () {
  "use strict";

  var reducedMotion = !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  var MESSAGE_DELAY = 900;

  function each(list, fn) {
    for (var i = 0; i < list.length; i++) { fn(list[i], i); }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  // A read-aloud button like the `say` macro makes (app.js handles its clicks).
  function sayButton(text) {
    var model = document.querySelector("button.say");
    var button;
    if (model) {
      button = model.cloneNode(true);
      button.classList.remove("say--speaking");
    } else {
      button = el("button", "say");
      button.type = "button";
    }
    button.removeAttribute("data-say-target");
    button.setAttribute("data-say", text);
    button.setAttribute("aria-label", "Read aloud");
    return button;
  }

  function announce(root, text) {
    var live = root.querySelector(".qt-live");
    if (!live) {
      live = el("p", "qt-live visually-hidden");
      live.setAttribute("role", "status");
      root.appendChild(live);
    }
    live.textContent = text;
  }

  // ---------------------------------------------------- tap to place (bins)

  function initPlace(root) {
    root.classList.add("qt-place--enhanced");
    var update = function () {
      each(root.querySelectorAll("[data-bin] .place-bin__items"), function (list) { list.innerHTML = ""; });
      each(root.querySelectorAll("fieldset[data-item]"), function (item) {
        var picked = item.querySelector("input[type=radio]:checked");
        item.classList.toggle("place-item--placed", !!picked);
        if (!picked) { return; }
        var bin = root.querySelector("[data-bin='" + picked.value + "'] .place-bin__items");
        if (bin) { bin.appendChild(placedChip(item, picked)); }
      });
    };
    root.addEventListener("change", update);
    update();
  }

  // A chip in a bin; tapping it goes back to the item to change its place.
  function placedChip(item, picked) {
    var li = el("li", "place-chip");
    var text = item.querySelector("legend").textContent;
    var button = el("button", "place-chip__button", text);
    button.type = "button";
    button.setAttribute("aria-label", "Change: " + text);
    button.addEventListener("click", function () {
      if (item.scrollIntoView) { item.scrollIntoView({ block: "center", behavior: reducedMotion ? "auto" : "smooth" }); }
      picked.focus();
    });
    li.appendChild(button);
    return li;
  }

  // ------------------------------------------------------- order the steps

  function initOrder(root) {
    var list = root.querySelector(".order-list");
    root.classList.add("qt-order--enhanced");
    each(list.children, function (step) { step.appendChild(moveButtons(root, list, step)); });
    initDrag(root, list);
    var note = root.querySelector(".qt-note span");
    var noteSay = root.querySelector(".qt-note .say");
    var words = "Put the steps in order: drag them, or tap the arrows. The top one is first.";
    if (note) { note.textContent = words; }
    if (noteSay) { noteSay.setAttribute("data-say", words); }
    list.addEventListener("change", function (event) {
      var select = event.target;
      if (select.tagName !== "SELECT") { return; }
      var step = select.closest(".order-step");
      moveTo(list, step, parseInt(select.value, 10) - 1);
      renumber(list);
      announce(root, "Moved to number " + select.value + ".");
      select.focus();
    });
    renumber(list);
  }

  var ARROWS = {
    up: '<svg viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" focusable="false"><path d="M12 4l8 9h-5v7H9v-7H4z" fill="currentColor"/></svg>',
    down: '<svg viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" focusable="false"><path d="M12 20l8-9h-5V4H9v7H4z" fill="currentColor"/></svg>'
  };

  // Big arrow buttons (a picture of an arrow, and words for screen readers).
  function moveButtons(root, list, step) {
    var text = step.querySelector(".order-step__text").textContent;
    var box = el("div", "order-step__move");
    [["up", "Move up", -1], ["down", "Move down", 1]].forEach(function (spec) {
      var button = el("button", "button order-step__arrow order-step__" + spec[0]);
      button.type = "button";
      button.innerHTML = ARROWS[spec[0]];
      button.setAttribute("aria-label", spec[1] + ": " + text);
      button.addEventListener("click", function () {
        var index = indexOf(list, step) + spec[2];
        if (index < 0 || index >= list.children.length) { return; }
        moveTo(list, step, index);
        renumber(list);
        announce(root, "Moved to number " + (index + 1) + ".");
        button.focus();
      });
      box.appendChild(button);
    });
    return box;
  }

  // Drag a step with a finger (or mouse): it moves to where it is let go.
  function initDrag(root, list) {
    var dragging = null;
    list.addEventListener("pointerdown", function (event) {
      var step = event.target.closest(".order-step");
      if (!step || event.target.closest("button, select, label, a")) { return; }
      dragging = { step: step, moved: false };
      step.classList.add("order-step--dragging");
      if (step.setPointerCapture) { try { step.setPointerCapture(event.pointerId); } catch (e) { /* not capturable */ } }
    });
    list.addEventListener("pointermove", function (event) {
      if (!dragging) { return; }
      event.preventDefault();
      for (var i = 0; i < list.children.length; i++) {
        var other = list.children[i];
        var box = other.getBoundingClientRect();
        if (other !== dragging.step && event.clientY > box.top && event.clientY < box.bottom) {
          moveTo(list, dragging.step, i);
          dragging.moved = true;
          break;
        }
      }
    });
    var drop = function () {
      if (!dragging) { return; }
      dragging.step.classList.remove("order-step--dragging");
      if (dragging.moved) {
        renumber(list);
        announce(root, "Moved to number " + (indexOf(list, dragging.step) + 1) + ".");
      }
      dragging = null;
    };
    list.addEventListener("pointerup", drop);
    list.addEventListener("pointercancel", drop);
  }

  function indexOf(list, step) {
    for (var i = 0; i < list.children.length; i++) { if (list.children[i] === step) { return i; } }
    return -1;
  }

  function moveTo(list, step, index) {
    list.removeChild(step);
    list.insertBefore(step, list.children[index] || null);
    step.classList.remove("order-step--moved");
    if (!reducedMotion) {
      void step.offsetWidth; // restart the highlight animation
      step.classList.add("order-step--moved");
    }
  }

  // The list order is the truth; the selects (what the form sends) follow it.
  function renumber(list) {
    each(list.children, function (step, i) {
      step.querySelector("select").value = String(i + 1);
      step.querySelector(".order-step__up").setAttribute("aria-disabled", i === 0 ? "true" : "false");
      step.querySelector(".order-step__down").setAttribute("aria-disabled", i === list.children.length - 1 ? "true" : "false");
    });
  }

  // ------------------------------------------------------------- hotspots

  function initHotspot(root) {
    root.classList.add("qt-hotspot--enhanced");
    var spots = root.querySelectorAll(".hotspot__spot");
    each(spots, function (spot) {
      // CSSOM assignment: allowed by the CSP, unlike style="" attributes.
      spot.style.left = spot.getAttribute("data-left") + "%";
      spot.style.top = spot.getAttribute("data-top") + "%";
      spot.style.width = spot.getAttribute("data-width") + "%";
      spot.style.height = spot.getAttribute("data-height") + "%";
      spot.hidden = false;
    });
    var legend = root.querySelector("[data-js-text]");
    if (legend) {
      var words = legend.getAttribute("data-js-text");
      legend.textContent = words;
      var say = root.querySelector(".hotspot__list > .say");
      if (say) { say.setAttribute("data-say", words); }
    }
    var sync = function () {
      each(spots, function (spot) {
        var box = document.getElementById(spot.getAttribute("for"));
        spot.classList.toggle("hotspot__spot--on", !!(box && box.checked));
      });
    };
    root.addEventListener("change", sync);
    sync();
  }

  // --------------------------------------------------------- password tiles

  function initPassword(root) {
    var boxes = root.querySelectorAll("input[data-word]");
    var typed = root.querySelector("input[name=typed]");
    var orderBox = root.querySelector("[data-password-order]");
    var order = [];
    // The form sends hidden inputs in tap order instead of the checkboxes.
    each(boxes, function (box) {
      box.removeAttribute("name");
      if (box.checked) { order.push(box); }
    });
    var render = function () { showPassword(root, order, typed, orderBox); };
    root.addEventListener("change", function (event) {
      var box = event.target;
      if (!box.hasAttribute("data-word")) { return; }
      order = order.filter(function (b) { return b !== box; });
      if (box.checked) { order.push(box); }
      render();
    });
    if (typed) { typed.addEventListener("input", render); }
    root.querySelector("[data-password-clear]").addEventListener("click", function () {
      each(boxes, function (box) { box.checked = false; });
      if (typed) { typed.value = ""; }
      order = [];
      render();
      if (boxes.length) { boxes[0].focus(); }
    });
    render();
  }

  function showPassword(root, order, typed, orderBox) {
    var words = [];
    orderBox.innerHTML = "";
    each(root.querySelectorAll(".tile__n"), function (n) { n.parentNode.removeChild(n); });
    order.forEach(function (box, i) {
      words.push(box.getAttribute("data-word"));
      var hidden = el("input");
      hidden.type = "hidden";
      hidden.name = "tile";
      hidden.value = box.value;
      orderBox.appendChild(hidden);
      var n = el("span", "tile__n", String(i + 1));
      n.setAttribute("aria-hidden", "true");
      box.parentNode.appendChild(n);
    });
    var extra = typed ? typed.value.split(/\s+/).filter(function (w) { return w; }) : [];
    words = words.concat(extra);
    var preview = root.querySelector("[data-password-preview]");
    preview.hidden = words.length === 0;
    root.querySelector("[data-password-phrase]").textContent = words.join("");
    root.querySelector("[data-password-count]").textContent = words.length === 1 ? "1 word" : words.length + " words";
  }

  // ------------------------------------------------------------------ chat

  function wait(ms, fn) { window.setTimeout(fn, reducedMotion ? 0 : ms); }

  function bubble(message, contact) {
    var li = el("li", "bubble bubble--" + message.sender);
    if (message.sender === "them") { li.appendChild(el("span", "bubble__who", contact)); }
    if (message.sender === "me") { li.appendChild(el("span", "visually-hidden", "Me:")); }
    li.appendChild(el("span", "bubble__text", message.text));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(sayButton(message.text));
    return li;
  }

  function line(className, text) {
    var p = el("p", className);
    p.appendChild(el("span", "", text));
    p.appendChild(document.createTextNode(" "));
    p.appendChild(sayButton(text));
    return p;
  }

  function choicesBox(choices) {
    var box = el("div", "chat-choices");
    box.setAttribute("data-chat-choices", "");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "What do you say?");
    box.appendChild(line("chat-choices__ask", "What do you say?"));
    choices.forEach(function (choice) {
      var row = el("div", "chat-choice");
      var button = el("button", "chat-choice__button", choice.text);
      button.type = "submit";
      button.name = "choice";
      button.value = choice.id;
      row.appendChild(button);
      row.appendChild(document.createTextNode(" "));
      row.appendChild(sayButton(choice.text));
      box.appendChild(row);
    });
    return box;
  }

  // Show messages one at a time, with a "typing" bubble between them.
  function reveal(log, items, done) {
    if (!items.length) { done(); return; }
    var typing = el("li", "bubble bubble--typing");
    typing.setAttribute("aria-hidden", "true");
    typing.appendChild(el("span", "typing-dots"));
    var next = function (i) {
      if (i >= items.length) { done(); return; }
      if (items[i].className.indexOf("bubble--them") >= 0) { log.appendChild(typing); }
      wait(i === 0 ? 250 : MESSAGE_DELAY, function () {
        if (typing.parentNode) { typing.parentNode.removeChild(typing); }
        log.appendChild(items[i]);
        next(i + 1);
      });
    };
    next(0);
  }

  function contactOf(root) {
    var name = root.querySelector(".chat__contact");
    return name ? name.textContent : "";
  }

  function removeAll(root, selector) {
    each(root.querySelectorAll(selector), function (node) { node.parentNode.removeChild(node); });
  }

  // Draw the state the server sent: new messages, the note about the last
  // choice, then the next choices (or the ending).
  function showState(root, state, done) {
    var log = root.querySelector("[data-chat-log]");
    var status = root.querySelector("[data-chat-status]");
    var fresh = state.messages.slice(log.children.length);
    removeAll(root, "[data-chat-choices], [data-chat-note]");
    var contact = contactOf(root);
    var items = fresh.map(function (m) { return bubble(m, contact); });
    if (items.length && fresh[0].sender === "me") { log.appendChild(items.shift()); }
    if (state.last_feedback) {
      var note = line("chat-note chat-note--" + (state.last_feedback.safe ? "good" : "think"), state.last_feedback.text);
      note.setAttribute("data-chat-note", "");
      log.parentNode.insertBefore(note, log.nextSibling);
    }
    reveal(log, items, function () {
      if (state.ending) {
        // The ending is the answer's feedback headline (submitted next): shown once, there.
      } else {
        var box = choicesBox(state.choices);
        root.insertBefore(box, status);
        var first = box.querySelector("button[name=choice]");
        if (first) { first.focus(); }
      }
      done();
    });
  }

  function setBusy(root, busy) {
    root.setAttribute("data-busy", busy ? "1" : "");
    each(root.querySelectorAll("button[name=choice]"), function (b) { b.disabled = busy; });
  }

  function choose(form, submitter, api) {
    var root = form.querySelector("[data-chat]");
    submitter = submitter || (root && root.lastChoice) || null;
    if (!root || !submitter || submitter.name !== "choice" || root.getAttribute("data-busy") === "1") { return; }
    var pathInput = root.querySelector("input[name=path]");
    var status = root.querySelector("[data-chat-status]");
    var path = pathInput.value ? pathInput.value.split(",") : [];
    path.push(submitter.value);
    setBusy(root, true);
    status.textContent = "";
    var failed = function (message) {
      setBusy(root, false);
      status.textContent = message || "The chat needs the internet to carry on. Please try again in a moment.";
    };
    api.post(form.getAttribute("data-chat-url"), {
      module: form.getAttribute("data-module"),
      question: form.getAttribute("data-question"),
      token: form.querySelector("input[name=answer_token]").value,
      path: path
    }).then(function (result) {
      if (result.status !== 200 || !result.body || !result.body.messages) {
        failed(result.body && result.body.error);
        return;
      }
      pathInput.value = path.join(",");
      showState(root, result.body, function () {
        root.setAttribute("data-busy", "");
        if (result.body.ending) { api.submitAnswer(null); } // the path field now holds the whole chat
      });
    }, function () { failed(); });
  }

  function initChat(root) {
    var start = root.innerHTML;
    var log = root.querySelector("[data-chat-log]");
    log.setAttribute("aria-live", "polite");
    // Old Safari has no event.submitter: remember the tapped choice instead.
    root.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button[name=choice]") : null;
      if (button) { root.lastChoice = button; }
    });
    var form = root.closest ? root.closest("form") : null;
    if (form) {
      form.addEventListener("click", function (event) {
        if (event.target.closest && event.target.closest(".try-again")) {
          root.innerHTML = start; // back to the beginning of the chat
          root.lastChoice = null;
          setBusy(root, false);
          playIntro(root);
        }
      });
    }
    playIntro(root);
  }

  // On first show, the opening messages appear one by one, then the choices.
  function playIntro(root) {
    var log = root.querySelector("[data-chat-log]");
    var rest = root.querySelectorAll("[data-chat-choices], [data-chat-note], [data-chat-ending]");
    var items = [];
    each(log.children, function (li) { items.push(li); });
    if (reducedMotion || items.length === 0) { return; }
    each(items, function (li) { log.removeChild(li); });
    each(rest, function (node) { node.hidden = true; });
    reveal(log, items, function () { each(rest, function (node) { node.hidden = false; }); });
  }

  window.QuizappChat = { choose: choose };

  // ------------------------------------------------------------------ start

  each(document.querySelectorAll("[data-place]"), initPlace);
  each(document.querySelectorAll("[data-order]"), initOrder);
  each(document.querySelectorAll("[data-hotspot]"), initHotspot);
  each(document.querySelectorAll("[data-password]"), initPassword);
  each(document.querySelectorAll("[data-chat]"), initChat);
})();
