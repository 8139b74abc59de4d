/* Relais agent console: live updates, keyboard shortcuts, small conveniences.
 *
 * The page is server-rendered. Live updates re-fetch server-rendered fragments
 * (escaped by Django's templates) instead of building HTML from event data; text
 * that comes from an event is only ever set with textContent.
 */
(function () {
  "use strict";

  const body = document.body;
  const layout = document.querySelector(".conversation-layout");
  const conversationId = layout ? Number(layout.dataset.conversationId) : null;
  const agentId = Number(body.dataset.agentId || 0);
  const lang = document.documentElement.lang || "en";

  document.documentElement.classList.add("js");

  // ---- Small helpers -------------------------------------------------------

  function debounce(fn, wait) {
    let timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, wait);
    };
  }

  async function fetchFragment(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    // A redirect means the session ended: the login page is not a fragment.
    if (!response.ok || response.redirected) {
      throw new Error(`fragment ${url}: ${response.status}`);
    }
    const template = document.createElement("template");
    template.innerHTML = await response.text();
    return template.content;
  }

  function report(error) {
    console.warn("relais console:", error);
  }

  function isTypingTarget(element) {
    return Boolean(
      element &&
        (element.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName))
    );
  }

  // ---- Forms ---------------------------------------------------------------

  document.addEventListener("change", function (event) {
    const select = event.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) {
      select.form.requestSubmit();
    }
  });

  // Snooze times are typed in the agent's local time; tell the server which.
  document.addEventListener("submit", function (event) {
    const offset = event.target.querySelector && event.target.querySelector("[name=tz_offset]");
    if (offset) offset.value = String(new Date().getTimezoneOffset());
  });

  // An htmx post succeeded (the server sent the relais:posted trigger).
  body.addEventListener("relais:posted", function (event) {
    const form = event.target.closest ? event.target.closest("form") : null;
    if (form) form.reset();
    refreshTimeline();
    refreshListSoon();
  });

  // ---- Due countdowns ------------------------------------------------------

  const relative = new Intl.RelativeTimeFormat(lang, { numeric: "auto", style: "short" });
  const UNITS = [
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
    ["second", 1],
  ];

  function formatDelta(seconds) {
    for (const [unit, size] of UNITS) {
      if (Math.abs(seconds) >= size || unit === "second") {
        return relative.format(Math.trunc(seconds / size), unit);
      }
    }
    return "";
  }

  function tickDueTimes() {
    const now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (element) {
      const due = Date.parse(element.dataset.due);
      if (Number.isNaN(due)) return;
      const seconds = Math.round((due - now) / 1000);
      element.textContent = formatDelta(seconds);
      element.title = new Date(due).toLocaleString(lang);
      const holder = element.closest(".due");
      if (holder) holder.classList.toggle("due--overdue", seconds < 0);
    });
  }

  tickDueTimes();
  setInterval(tickDueTimes, 1000);

  // ---- Inbox list ----------------------------------------------------------

  async function refreshList() {
    const list = document.getElementById("inbox-list");
    if (!list || !list.dataset.refreshUrl) return;
    try {
      const fresh = (await fetchFragment(list.dataset.refreshUrl)).querySelector("#inbox-list");
      const current = document.getElementById("inbox-list");
      if (fresh && current) {
        current.replaceWith(fresh);
        tickDueTimes();
      }
    } catch (error) {
      report(error);
    }
  }

  const refreshListSoon = debounce(refreshList, 400);

  // ---- Conversation timeline -----------------------------------------------

  const timeline = document.getElementById("timeline");

  function largestId(attribute) {
    let largest = 0;
    timeline.querySelectorAll(`[data-${attribute}]`).forEach(function (element) {
      largest = Math.max(largest, Number(element.getAttribute(`data-${attribute}`)) || 0);
    });
    return largest;
  }

  function scrollTimelineToEnd() {
    if (timeline) timeline.scrollTop = timeline.scrollHeight;
  }

  function isNearEnd() {
    return timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 120;
  }

  function existingItem(item) {
    const messageId = Number(item.dataset.messageId);
    if (messageId) return timeline.querySelector(`[data-message-id="${messageId}"]`);
    const eventId = Number(item.dataset.eventId);
    if (eventId) return timeline.querySelector(`[data-event-id="${eventId}"]`);
    return null;
  }

  let timelineBusy = false;
  let timelineAgain = false;

  // Appends what is newer than the newest item shown. Calls overlap when
  // several events arrive at once: they are folded into one more round.
  async function refreshTimeline() {
    if (!timeline || !layout) return;
    if (timelineBusy) {
      timelineAgain = true;
      return;
    }
    timelineBusy = true;
    try {
      do {
        timelineAgain = false;
        const url = new URL(layout.dataset.timelineUrl, location.href);
        url.searchParams.set("after", String(largestId("message-id")));
        url.searchParams.set("after_event", String(largestId("event-id")));
        const fragment = await fetchFragment(url);
        const stickToEnd = isNearEnd();
        let added = false;
        for (const item of Array.from(fragment.children)) {
          const existing = existingItem(item);
          if (existing) {
            existing.replaceWith(item);
          } else {
            timeline.appendChild(item);
            added = true;
          }
        }
        if (added && stickToEnd) scrollTimelineToEnd();
      } while (timelineAgain);
    } catch (error) {
      report(error);
    } finally {
      timelineBusy = false;
    }
  }

  async function refreshMessage(messageId) {
    const id = Number(messageId);
    const shown = timeline && timeline.querySelector(`[data-message-id="${id}"]`);
    if (!shown) return refreshTimeline();
    try {
      const url = layout.dataset.messageUrl.replace(/\/0\/$/, `/${id}/`);
      const fresh = (await fetchFragment(url)).querySelector("[data-message-id]");
      if (fresh) shown.replaceWith(fresh);
    } catch (error) {
      report(error);
    }
  }

  async function refreshDetails() {
    const details = document.getElementById("details");
    // Never pull the form from under an agent who is filling it in.
    if (!details || details.contains(document.activeElement)) return;
    try {
      const url = new URL(layout.dataset.detailsUrl, location.href);
      url.searchParams.set("fragment", "details");
      const fresh = (await fetchFragment(url)).querySelector("#details");
      if (fresh && !details.contains(document.activeElement)) {
        details.replaceWith(fresh);
        tickDueTimes();
      }
    } catch (error) {
      report(error);
    }
  }

  scrollTimelineToEnd();

  // ---- Typing --------------------------------------------------------------

  const typingIndicator = document.querySelector("[data-testid=typing-indicator]");
  let typingTimer = null;

  function showCustomerTyping() {
    if (!typingIndicator) return;
    typingIndicator.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideCustomerTyping, 6000);
  }

  function hideCustomerTyping() {
    if (typingIndicator) typingIndicator.hidden = true;
  }

  let lastTypingSent = 0;
  document.addEventListener("input", function (event) {
    if (!conversationId || !event.target.matches || !event.target.matches("[data-typing]")) return;
    const now = Date.now();
    if (now - lastTypingSent < 3000) return;
    lastTypingSent = now;
    send({ type: "typing", conversation_id: conversationId });
  });

  // ---- Presence ------------------------------------------------------------

  function showPresence(presence) {
    const select = document.getElementById("presence-select");
    if (select && Array.from(select.options).some((option) => option.value === presence)) {
      select.value = presence;
    }
    const dot = document.querySelector("[data-presence-dot]");
    if (dot) dot.className = `presence-dot presence-dot--${presence}`;
  }

  // ---- The websocket -------------------------------------------------------

  const liveStatus = document.querySelector("[data-testid=live-status]");
  let socket = null;
  let failures = 0;
  let everConnected = false;

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function isCurrent(event) {
    return conversationId !== null && Number(event.conversation_id) === conversationId;
  }

  function handle(event) {
    switch (event.name) {
      case "message.created":
        refreshListSoon();
        if (isCurrent(event)) {
          refreshTimeline();
          if (event.message && event.message.direction === "in") hideCustomerTyping();
        }
        break;
      case "message.status":
        if (isCurrent(event) && event.message) refreshMessage(event.message.id);
        break;
      case "conversation.created":
      case "conversation.updated":
        refreshListSoon();
        if (isCurrent(event)) {
          refreshTimeline();
          refreshDetails();
        }
        break;
      case "visitor.typing":
        if (isCurrent(event)) showCustomerTyping();
        break;
      case "agent.presence":
        showPresence(event.presence);
        break;
      default:
        break;
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(`${scheme}//${location.host}${body.dataset.liveUrl}`);
    socket.addEventListener("open", function () {
      failures = 0;
      if (liveStatus) liveStatus.hidden = true;
      if (conversationId) send({ type: "subscribe", conversation_id: conversationId });
      if (everConnected) {
        // Whatever happened while we were away.
        refreshListSoon();
        refreshTimeline();
      }
      everConnected = true;
    });
    socket.addEventListener("message", function (message) {
      let event = null;
      try {
        event = JSON.parse(message.data);
      } catch (error) {
        return report(error);
      }
      if (event && typeof event === "object") handle(event);
    });
    socket.addEventListener("close", function (closing) {
      if (closing.code === 4401) return; // logged out: the next page load asks to log in
      if (liveStatus) liveStatus.hidden = false;
      failures += 1;
      const delay = Math.min(30000, 1000 * 2 ** Math.min(failures - 1, 5));
      setTimeout(connect, delay * (0.5 + Math.random() / 2));
    });
  }

  if (agentId && body.dataset.liveUrl && "WebSocket" in window) connect();

  // ---- Activity heartbeat ----------------------------------------------------

  // Tells the server whether the agent is still at the console, for the
  // automatic "away" after inactivity. A beat reports the last minute, two
  // beats' worth, so one lost or throttled beat hides no activity.
  const HEARTBEAT_MS = 30000;
  const ACTIVE_WINDOW_MS = 60000;
  let lastInteraction = Date.now();

  function noteInteraction() {
    lastInteraction = Date.now();
  }

  ["keydown", "pointerdown", "mousemove", "scroll", "focus"].forEach(function (type) {
    // Capture: scroll and focus do not bubble, and handlers that stop
    // propagation must not hide activity.
    window.addEventListener(type, noteInteraction, { capture: true, passive: true });
  });

  setInterval(function () {
    const active = !document.hidden && Date.now() - lastInteraction < ACTIVE_WINDOW_MS;
    send({ type: "heartbeat", active: active });
  }, HEARTBEAT_MS);

  // ---- Keyboard shortcuts --------------------------------------------------

  const help = document.getElementById("shortcuts-help");

  function showHelp() {
    if (help && !help.open) help.showModal();
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-show-help]")) showHelp();
  });

  function focusField(selector) {
    const field = document.querySelector(selector);
    if (field) field.focus();
  }

  function moveInList(step) {
    const links = Array.from(document.querySelectorAll("#inbox-list .row__link"));
    if (!links.length) return;
    const index = links.indexOf(document.activeElement);
    const next = links[Math.max(0, Math.min(links.length - 1, index + step))];
    next.focus();
  }

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.form) {
      if (target.tagName === "TEXTAREA") {
        event.preventDefault();
        target.form.requestSubmit();
      }
      return;
    }
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTypingTarget(target)) {
      if (event.key === "Escape") target.blur();
      return;
    }
    if (help && help.open) return; // the dialog handles Escape itself
    switch (event.key) {
      case "r":
        focusField("#reply-input");
        break;
      case "n":
        focusField("#note-input");
        break;
      case "e": {
        const resolve = document.querySelector("[data-shortcut=resolve]");
        if (resolve) resolve.click();
        break;
      }
      case "j":
        if (layout && layout.dataset.nextUrl) location.assign(layout.dataset.nextUrl);
        else if (!layout) moveInList(1);
        break;
      case "k":
        if (!layout) moveInList(-1);
        break;
      case "?":
        showHelp();
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  // Without Redis, the worker's status changes (queued → sent, failed) cannot
  // reach this page over the websocket (the in-memory channel layer lives in
  // the server process): look again at messages still queued.
  const QUEUED_RECHECK_MS = 5000;
  setInterval(function () {
    if (!timeline || document.hidden) return;
    timeline.querySelectorAll('[data-message-id][data-status="queued"]').forEach(function (item) {
      refreshMessage(item.dataset.messageId);
    });
  }, QUEUED_RECHECK_MS);
})();
