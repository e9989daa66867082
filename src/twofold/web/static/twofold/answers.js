/* Twofold: the answer on screen is the answer stored.
 *
 * Each radio posts its answer through htmx as it is chosen. Three things keep the latest
 * choice the one that counts:
 *  - hx-sync="closest fieldset:queue last" sends one request per question at a time, and of
 *    the choices made meanwhile only the last;
 *  - every request carries a number that counts up per question from the one the page was
 *    shown with (data-seq); the server ignores a number no higher than the one it holds, so a
 *    late request can never overwrite a later choice;
 *  - a choice not yet confirmed when the page is left (the nav bar, a closed tab) is sent
 *    once more with fetch(keepalive), which outlives the page.
 * "Answer saved." is shown only when the server's reply names the value on screen for that
 * question and nothing is still on its way; otherwise the status says "Saving…".
 * No eval, no inline code: the strict Content Security Policy holds.
 */
(function () {
  "use strict";
  var sent = {};      // item -> last number sent
  var chosen = {};    // item -> value on screen
  var held = {};      // item -> value the server confirmed
  var flying = {};    // item -> requests sent and not yet answered

  function fieldset(item) {
    return document.querySelector('fieldset.item[data-item="' + CSS.escape(item) + '"]');
  }
  function nextSeq(item) {
    var fs = fieldset(item);
    var base = sent[item] !== undefined ? sent[item] : Number((fs && fs.dataset.seq) || 0);
    sent[item] = base + 1;
    return sent[item];
  }
  function unconfirmed() {
    return Object.keys(chosen).filter(function (item) { return chosen[item] !== held[item]; });
  }
  function status() { return document.getElementById("save-status"); }

  document.addEventListener("change", function (e) {
    var input = e.target;
    if (input.matches && input.matches("fieldset.item input[type=radio]") && input.checked) {
      chosen[input.name] = input.value;
    }
  });

  document.addEventListener("htmx:configRequest", function (e) {
    var elt = e.detail.elt;
    if (!elt.matches("fieldset.item input[type=radio]")) { return; }
    e.detail.parameters.seq = String(nextSeq(elt.name));
    flying[elt.name] = (flying[elt.name] || 0) + 1;
    var box = status();
    if (box) { box.textContent = box.dataset.saving || ""; }
  });

  document.addEventListener("htmx:beforeSwap", function (e) {
    var elt = e.detail.requestConfig && e.detail.requestConfig.elt;
    if (elt && elt.matches && elt.matches("fieldset.item input[type=radio]")) {
      flying[elt.name] = Math.max(0, (flying[elt.name] || 0) - 1);
    }
  });

  document.addEventListener("htmx:afterSwap", function (e) {
    var box = status();
    if (!box || e.detail.target !== box) { return; }
    var saved = box.querySelector(".saved");
    if (!saved) { return; }
    var item = saved.dataset.item;
    held[item] = saved.dataset.value;
    var seq = Number(saved.dataset.seq);
    if (chosen[item] === undefined) { chosen[item] = held[item]; }
    if (seq > (sent[item] || 0)) {
      // The server holds a later answer than any this page sent (another tab): show it.
      sent[item] = seq;
      var radio = document.getElementById(item + "-" + held[item]);
      if (radio && !flying[item]) { radio.checked = true; chosen[item] = held[item]; }
    }
    if (unconfirmed().length) { box.textContent = box.dataset.saving || ""; }
  });

  function flush() {
    var form = document.querySelector("form[data-answer-url]");
    if (!form) { return; }
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    unconfirmed().forEach(function (item) {
      var body = new FormData();
      body.append("item", item);
      body.append(item, chosen[item]);
      body.append("seq", String(nextSeq(item)));
      fetch(form.dataset.answerUrl, {
        method: "POST", body: body, keepalive: true, credentials: "same-origin",
        headers: {"X-CSRFToken": token ? token.value : ""}
      });
      held[item] = chosen[item];
    });
  }
  // A real submit of the page form carries every answer itself: no second copy needed.
  document.addEventListener("submit", function (e) {
    if (e.target.matches("form[data-answer-url]")) { chosen = {}; }
  });
  window.addEventListener("pagehide", flush);
})();
