/* Relais supervision page: drag a waiting conversation, or one an agent holds,
 * onto an agent (or back onto the queue) to assign it.
 *
 * The forms beside each conversation do the same without JavaScript; a drop
 * posts the same fields to the same endpoint, shows the server's message in the
 * flash region and refreshes the live part. The live part is replaced every
 * 5 s (htmx), so every handler is delegated from the document.
 */
(function () {
  "use strict";

  const LIVE_ID = "supervision-live";
  const REFRESH_EVENT = "supervision-refresh";
  let dragged = null; // { id, from } while a conversation is being dragged
  let refreshAsked = false; // a drop asked for a refresh: do not skip it

  function live() {
    return document.getElementById(LIVE_ID);
  }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function refresh() {
    const region = live();
    if (!region || !window.htmx) return;
    refreshAsked = true;
    window.htmx.trigger(region, REFRESH_EVENT);
  }

  async function assign(conversationId, agentValue) {
    const region = live();
    if (!region || !region.dataset.assignUrl) return;
    const data = new FormData();
    data.append("conversation", conversationId);
    data.append("agent", agentValue);
    try {
      const response = await fetch(region.dataset.assignUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        // HX-Request: the server answers with the flash region, not a redirect.
        headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
      });
      const flash = document.getElementById("flash");
      if (response.ok && !response.redirected && flash) {
        // Server-rendered and escaped by Django's templates (web/_flash.html).
        flash.innerHTML = await response.text();
      }
    } catch (error) {
      console.warn("relais supervision:", error);
    }
    refresh();
  }

  function dropZone(target) {
    return target && target.closest ? target.closest("[data-drop-agent]") : null;
  }

  function clearHighlights() {
    document.querySelectorAll(".sv-drop--over").forEach(function (zone) {
      zone.classList.remove("sv-drop--over");
    });
  }

  document.addEventListener("dragstart", function (event) {
    const handle = event.target.closest && event.target.closest("[data-drag-conversation]");
    if (!handle) return;
    const zone = dropZone(handle);
    dragged = { id: handle.dataset.dragConversation, from: zone ? zone.dataset.dropAgent : "" };
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.id);
    handle.classList.add("sv-drag--active");
  });

  document.addEventListener("dragend", function (event) {
    if (event.target.classList) event.target.classList.remove("sv-drag--active");
    dragged = null;
    clearHighlights();
  });

  document.addEventListener("dragover", function (event) {
    const zone = dropZone(event.target);
    if (!dragged || !zone || zone.dataset.dropAgent === dragged.from) return;
    event.preventDefault(); // allows the drop
    event.dataTransfer.dropEffect = "move";
    if (!zone.classList.contains("sv-drop--over")) {
      clearHighlights();
      zone.classList.add("sv-drop--over");
    }
  });

  document.addEventListener("dragleave", function (event) {
    const zone = dropZone(event.target);
    if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove("sv-drop--over");
  });

  document.addEventListener("drop", function (event) {
    const zone = dropZone(event.target);
    if (!dragged || !zone || zone.dataset.dropAgent === dragged.from) return;
    event.preventDefault();
    const conversationId = dragged.id;
    dragged = null;
    clearHighlights();
    assign(conversationId, zone.dataset.dropAgent);
  });

  // Do not replace the live part under the supervisor's hands: while they drag
  // or have one of its menus in hand, skip the periodic refresh (the next one
  // comes 5 s later).
  document.addEventListener("htmx:beforeRequest", function (event) {
    const region = live();
    if (!region || event.detail.elt !== region) return;
    if (refreshAsked) {
      refreshAsked = false;
      return;
    }
    const focused = document.activeElement;
    const choosing = focused && region.contains(focused) && focused.matches("select");
    if (dragged || choosing) event.preventDefault();
  });

  // Countdowns as last shown, keyed by due time: console.js ticks them every
  // second, but a fresh live part would show the plain date until its next tick.
  let shownCountdowns = new Map();

  // A refresh answered by the login page (the session ended) is not the live part.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.elt !== live()) return;
    const xhr = event.detail.xhr;
    if (xhr && xhr.responseURL && !xhr.responseURL.includes("/supervision/live/")) {
      event.detail.shouldSwap = false;
      return;
    }
    shownCountdowns = new Map();
    event.detail.elt.querySelectorAll("[data-due]").forEach(function (element) {
      shownCountdowns.set(element.dataset.due, element.textContent);
    });
  });

  document.addEventListener("htmx:afterSwap", function () {
    const region = live();
    if (!region || !shownCountdowns.size) return;
    region.querySelectorAll("[data-due]").forEach(function (element) {
      const text = shownCountdowns.get(element.dataset.due);
      if (text !== undefined) element.textContent = text;
    });
  });
})();
