/* Relais chat window (runs inside the iframe, on Relais' origin).
   User text is only ever inserted with textContent. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("relais-config").textContent);
  var strings = readStrings();
  var TOKEN_KEY = "relais:" + config.publicKey + ":token";
  var EMAIL_KEY = "relais:" + config.publicKey + ":email";
  var SETTING_KEYS = ["user_id", "email", "name", "user_hash", "locale"];
  var MAX_BACKOFF_MS = 30000;
  var TYPING_SHOWN_MS = 6000;
  var TYPING_SENT_EVERY_MS = 2500;
  var SETTINGS_WAIT_MS = 1500;
  var RETRY_MS = 2000;
  var embedded = window.parent !== window;

  var el = {
    messages: byId("messages"), greeting: byId("greeting"), typing: byId("typing"),
    notice: byId("notice"), offline: byId("offline"), emailField: byId("email-field"),
    email: byId("email"), offlineAnonymous: byId("offline-anonymous"),
    offlineVerified: byId("offline-verified"), composer: byId("composer"),
    input: byId("input"), send: byId("send"), status: byId("status"),
    statusLive: byId("status-live"), statusOffline: byId("status-offline"),
    close: byId("close"), body: byId("body")
  };

  var state = {
    token: storageGet(TOKEN_KEY),
    hostSettings: null,
    started: false,
    live: true,
    verified: false,
    refused: false,
    socket: null,
    failures: 0,
    forbiddenCloses: 0,
    reconnectTimer: null,
    rendered: {},        // message id -> element
    pending: {},         // client_id -> {body, email, element}
    pendingOrder: [],
    lastReadSent: 0,
    unread: 0,
    isOpen: !embedded,
    typingTimer: null,
    lastTypingSent: 0,
    thankedOffline: false,
    // The bot handed over with no agent available and asked for an e-mail
    // address: the leave-a-message form shows until the visitor writes with one.
    askEmail: false,
    // The helpbox (help mode) comes first; the chat shows after "Talk to us".
    chatShown: !config.helpMode,
    pageContext: {}
  };

  function byId(id) { return document.getElementById(id); }

  function readStrings() {
    var found = {};
    var template = byId("relais-strings");
    template.content.querySelectorAll("[data-key]").forEach(function (node) {
      found[node.getAttribute("data-key")] = node.textContent.trim();
    });
    return found;
  }

  function storageGet(key) {
    try { return window.localStorage.getItem(key) || ""; } catch (e) { return ""; }
  }

  function storageSet(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode: no memory */ }
  }

  function newClientId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function tellParent(message) {
    // Only non-sensitive signals go to the host page, whatever its origin.
    if (embedded) window.parent.postMessage(message, "*");
  }

  // ---- notices and modes ----

  function showNotice(key) {
    el.notice.textContent = strings[key] || strings.error_generic;
    el.notice.hidden = false;
  }

  function hideNotice() { el.notice.hidden = true; el.notice.textContent = ""; }

  function setComposerEnabled(enabled) {
    el.input.disabled = !enabled;
    el.send.disabled = !enabled;
  }

  function setLive(live) {
    state.live = live;
    el.status.setAttribute("data-live", live ? "true" : "false");
    el.statusLive.hidden = !live;
    el.statusOffline.hidden = live;
    el.offline.hidden = !needsLeaveMessage() || !state.chatShown;
    // The server asks only when it knows no address, even for a verified visitor.
    var anonymous = !state.verified || state.askEmail;
    el.emailField.hidden = !anonymous;
    el.offlineAnonymous.hidden = !anonymous;
    el.offlineVerified.hidden = anonymous;
    if (!el.email.value) el.email.value = storageGet(EMAIL_KEY);
  }

  function needsLeaveMessage() { return !state.live || state.askEmail; }

  function needsEmail() { return (!state.live && !state.verified) || state.askEmail; }

  function setAskEmail(ask) {
    if (state.askEmail === ask) return;
    state.askEmail = ask;
    setLive(state.live);
  }

  // ---- messages ----

  function statusLabel(status) {
    if (status === "read") return strings.read;
    return strings.sent;
  }

  function buildBubble(direction, body, author) {
    // The row holds the author and the delivery state; the bubble holds the
    // text alone, so that what tests and screen readers read is the message.
    var item = document.createElement("li");
    item.className = "widget-message";
    item.setAttribute("data-direction", direction);
    if (direction === "out") {
      var name = document.createElement("span");
      name.className = "widget-author";
      name.textContent = author || strings.agent;
      item.appendChild(name);
    }
    var text = document.createElement("div");
    text.className = "widget-text";
    text.setAttribute("data-testid", "widget-message");
    text.setAttribute("data-direction", direction);
    text.textContent = body;
    item.appendChild(text);
    if (direction === "in") {
      var meta = document.createElement("span");
      meta.className = "widget-meta";
      item.appendChild(meta);
    }
    return item;
  }

  function setMeta(item, label, state) {
    var meta = item.querySelector(".widget-meta");
    if (meta) meta.textContent = label;
    item.querySelector(".widget-text").setAttribute("data-state", state);
  }

  function placeByIdOrder(item, id) {
    // Keep server order: before the first rendered message with a larger id,
    // and always before messages still pending.
    var children = el.messages.children;
    for (var i = 0; i < children.length; i++) {
      var other = children[i];
      var otherId = Number(other.getAttribute("data-message-id"));
      if ((otherId && otherId > id) || other.getAttribute("data-pending") === "true") {
        el.messages.insertBefore(item, other);
        return;
      }
    }
    el.messages.appendChild(item);
  }

  function addBotParts(item, message) {
    // The bot's article link and its buttons (quick replies): a click sends
    // the label as the visitor's message, with the payload the bot reads.
    item.setAttribute("data-bot", "true");
    if (message.article_url && /^(https?:\/\/|\/)/.test(message.article_url)) {
      var link = document.createElement("a");
      link.className = "widget-article-link";
      link.href = message.article_url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = strings.read_more;
      item.appendChild(link);
    }
    var replies = (message.quick_replies || []).filter(function (choice) {
      return choice && typeof choice.payload === "string" && typeof choice.label === "string";
    });
    if (!replies.length) return;
    var group = document.createElement("div");
    group.className = "widget-quick-replies";
    group.setAttribute("role", "group");
    group.setAttribute("data-testid", "widget-quick-replies");
    replies.forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "widget-quick-reply";
      button.setAttribute("data-testid", "widget-quick-reply");
      button.textContent = choice.label;
      button.addEventListener("click", function () {
        removeQuickReplies();
        addPending(choice.label, "", false, choice.payload);
      });
      group.appendChild(button);
    });
    item.appendChild(group);
  }

  function removeQuickReplies() {
    el.messages.querySelectorAll(".widget-quick-replies").forEach(function (group) { group.remove(); });
  }

  function renderMessage(message) {
    if (!message || message.kind !== "message" || typeof message.id !== "number") return null;
    var item = state.rendered[message.id];
    if (!item) {
      // Only the latest message's buttons are live choices; the latest
      // message also says whether an e-mail address is still wanted.
      if (message.id > latestRenderedId()) {
        removeQuickReplies();
        setAskEmail(message.direction === "out" ? message.ask_email === true : false);
      }
      item = buildBubble(message.direction === "out" ? "out" : "in", message.body, message.author);
      item.setAttribute("data-message-id", String(message.id));
      if (message.bot) addBotParts(item, message);
      state.rendered[message.id] = item;
      placeByIdOrder(item, message.id);
    }
    if (message.direction === "in") setMeta(item, statusLabel(message.status), message.status);
    else item.querySelector(".widget-text").setAttribute("data-state", message.status);
    return item;
  }

  function latestRenderedId() {
    return Object.keys(state.rendered).reduce(function (a, b) { return Math.max(a, Number(b)); }, 0);
  }

  function scrollToEnd() { el.body.scrollTop = el.body.scrollHeight; }

  function addPending(body, email, offline, choice) {
    var clientId = newClientId();
    var item = buildBubble("in", body, "");
    item.setAttribute("data-pending", "true");
    setMeta(item, strings.sending, "pending");
    el.messages.appendChild(item);
    state.pending[clientId] = {
      body: body, email: email, offline: offline, choice: choice || "", element: item
    };
    state.pendingOrder.push(clientId);
    scrollToEnd();
    sendPending(clientId);
  }

  function sendPending(clientId) {
    var pending = state.pending[clientId];
    if (!pending) return;
    var payload = { type: "message", body: pending.body, client_id: clientId };
    if (pending.email) payload.email = pending.email;
    if (pending.choice) payload.payload = pending.choice;
    if (config.language) payload.locale = config.language.slice(0, 2);
    send(payload);
  }

  function settlePending(clientId, message) {
    var pending = state.pending[clientId];
    if (!pending) { renderMessage(message); return; }
    delete state.pending[clientId];
    state.pendingOrder = state.pendingOrder.filter(function (id) { return id !== clientId; });
    var item = pending.element;
    if (state.rendered[message.id]) {
      item.remove();
    } else {
      item.removeAttribute("data-pending");
      item.setAttribute("data-message-id", String(message.id));
      state.rendered[message.id] = item;
      item.remove();
      placeByIdOrder(item, message.id);
      setMeta(item, statusLabel(message.status), message.status);
    }
    if (pending.email) setAskEmail(false);
    if (pending.offline && !state.thankedOffline) {
      state.thankedOffline = true;
      var thanks = document.createElement("li");
      thanks.className = "widget-system";
      thanks.textContent = strings.offline_thanks;
      el.messages.appendChild(thanks);
    }
    scrollToEnd();
  }

  function failPending(clientId, errorCode) {
    var pending = state.pending[clientId];
    if (errorCode === "read_failed") {
      state.lastReadSent = 0;
      setTimeout(markRead, RETRY_MS);
      return;
    }
    if (errorCode === "unavailable" && pending) {
      // Nothing was stored: send the same client id again in a moment.
      setTimeout(function () { sendPending(clientId); }, RETRY_MS);
      return;
    }
    showNotice("error_" + errorCode);
    if (!pending) return;
    delete state.pending[clientId];
    state.pendingOrder = state.pendingOrder.filter(function (id) { return id !== clientId; });
    pending.element.remove();
    if (!el.input.value) el.input.value = pending.body;
  }

  // ---- reading ----

  function latestAgentMessageId() {
    // A reply still queued cannot be marked read yet: its "sent" status
    // update triggers another attempt.
    var latest = 0;
    Object.keys(state.rendered).forEach(function (id) {
      var item = state.rendered[id];
      var status = item.querySelector(".widget-text").getAttribute("data-state");
      var deliverable = status === "sent" || status === "delivered" || status === "read";
      if (item.getAttribute("data-direction") === "out" && deliverable) {
        latest = Math.max(latest, Number(id));
      }
    });
    return latest;
  }

  function markRead() {
    if (!state.isOpen || document.hidden) return;
    state.unread = 0;
    tellParent({ type: "relais:unread", count: 0 });
    var latest = latestAgentMessageId();
    if (latest > state.lastReadSent && send({ type: "read", message_id: latest })) {
      state.lastReadSent = latest;
    }
  }

  function countUnread() {
    if (state.isOpen && !document.hidden) { markRead(); return; }
    state.unread += 1;
    tellParent({ type: "relais:unread", count: state.unread });
  }

  // ---- typing ----

  function showAgentTyping() {
    el.typing.hidden = false;
    scrollToEnd();
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(hideAgentTyping, TYPING_SHOWN_MS);
  }

  function hideAgentTyping() {
    clearTimeout(state.typingTimer);
    el.typing.hidden = true;
  }

  // ---- server events ----

  function onServerMessage(data) {
    if (data.type === "ack") {
      settlePending(data.client_id, data.message);
    } else if (data.type === "error") {
      failPending(data.client_id, data.error);
    } else if (data.name === "message.created") {
      var isNew = !state.rendered[data.message.id];
      renderMessage(data.message);
      if (data.message.direction === "out") {
        hideAgentTyping();
        if (isNew) countUnread();
      }
      scrollToEnd();
    } else if (data.name === "message.status") {
      renderMessage(data.message);
      if (data.message.direction === "out") markRead();
    } else if (data.name === "agent.typing") {
      showAgentTyping();
    }
  }

  // ---- session and socket ----

  function openSession() {
    var request = { token: state.token || null };
    SETTING_KEYS.forEach(function (key) {
      if (state.hostSettings && state.hostSettings[key]) request[key] = state.hostSettings[key];
    });
    return fetch(config.sessionUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
      credentials: "omit"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    }).then(function (result) {
      if (result.status === 403) {
        state.refused = true;
        setComposerEnabled(false);
        showNotice(result.data.error === "identity_required" ? "identity_required" : "identity_not_verified");
        return false;
      }
      if (!result.ok) throw new Error("session " + result.status);
      applySession(result.data);
      return true;
    });
  }

  function applySession(data) {
    state.token = data.token;
    storageSet(TOKEN_KEY, data.token);
    state.verified = !!data.verified;
    el.greeting.textContent = data.greeting || strings.greeting;
    (data.messages || []).forEach(renderMessage);
    setLive(!!data.live);
    setComposerEnabled(true);
    scrollToEnd();
    document.dispatchEvent(new CustomEvent("relais:session", {
      detail: { token: state.token, context: state.pageContext }
    }));
  }

  function showChat() {
    // "Talk to us" in the helpbox: the chat appears, with the bot if enabled.
    state.chatShown = true;
    el.body.hidden = false;
    el.composer.hidden = false;
    setLive(state.live);
    scrollToEnd();
    if (!el.input.disabled) el.input.focus();
  }

  function socketUrl() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + window.location.host + config.socketPath + "?token=" + encodeURIComponent(state.token);
  }

  function send(payload) {
    if (!state.socket || state.socket.readyState !== WebSocket.OPEN) return false;
    state.socket.send(JSON.stringify(payload));
    return true;
  }

  function connect() {
    if (state.refused || state.socket) return;
    var socket = new WebSocket(socketUrl());
    state.socket = socket;
    socket.onopen = function () {
      var wasReconnect = state.failures > 0;
      state.failures = 0;
      state.lastReadSent = 0;
      hideNotice();
      state.pendingOrder.slice().forEach(sendPending);
      if (wasReconnect) openSession().catch(function () {});  // catch up on missed messages
      markRead();
    };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data && typeof data === "object") onServerMessage(data);
    };
    socket.onclose = function (event) {
      state.socket = null;
      if (event.code === 4403) {
        // The token no longer opens this inbox: get a new one, but never loop.
        state.forbiddenCloses += 1;
        if (state.forbiddenCloses > 2) { showNotice("unavailable"); return; }
        state.token = "";
        openSession().then(function (ok) { if (ok) connect(); }).catch(scheduleReconnect);
        return;
      }
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    state.socket = null;
    state.failures += 1;
    if (state.failures > 1) showNotice("reconnecting");
    var delay = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, state.failures - 1));
    delay = delay / 2 + Math.random() * delay / 2;
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = setTimeout(function () {
      if (!state.token) { start(true); return; }
      connect();
    }, delay);
  }

  function start(force) {
    if (state.started && !force) return;
    state.started = true;
    openSession().then(function (ok) { if (ok) connect(); }).catch(function () {
      showNotice("unavailable");
      scheduleReconnect();
    });
  }

  // ---- host page ----

  function sanitizeSettings(given) {
    var picked = {};
    if (!given || typeof given !== "object") return picked;
    SETTING_KEYS.forEach(function (key) {
      if (typeof given[key] === "string" && given[key]) picked[key] = given[key].slice(0, 255);
    });
    return picked;
  }

  function sanitizeContext(given) {
    var picked = {};
    if (!given || typeof given !== "object") return picked;
    ["page_url", "product", "journey_step"].forEach(function (key) {
      if (typeof given[key] === "string" && given[key]) picked[key] = given[key].slice(0, 300);
    });
    return picked;
  }

  function onParentMessage(event) {
    if (event.source !== window.parent || !event.data || typeof event.data !== "object") return;
    var data = event.data;
    if (data.type === "relais:settings" && !state.started) {
      state.hostSettings = sanitizeSettings(data.settings);
      state.pageContext = sanitizeContext(data.context);
      start();
    } else if (data.type === "relais:open") {
      state.isOpen = true;
      markRead();
      if (state.started && !state.refused) {
        // Availability may have changed since the page loaded.
        openSession().catch(function () {});
      }
      if (state.chatShown && !el.input.disabled) el.input.focus();
      if (!state.chatShown) document.dispatchEvent(new CustomEvent("relais:help-open"));
    } else if (data.type === "relais:closed") {
      state.isOpen = false;
    }
  }

  // ---- composer ----

  function submit(event) {
    if (event) event.preventDefault();
    var body = el.input.value.trim();
    if (!body || el.input.disabled) return;
    var email = "";
    if (needsEmail()) {
      email = el.email.value.trim();
      if (!email || !el.email.checkValidity()) {
        showNotice("email_required");
        el.email.focus();
        return;
      }
      storageSet(EMAIL_KEY, email);
    }
    hideNotice();
    el.input.value = "";
    autoSize();
    addPending(body, email, needsLeaveMessage());
  }

  function autoSize() {
    el.input.style.height = "auto";
    el.input.style.height = Math.min(el.input.scrollHeight, 120) + "px";
  }

  function onKeyDown(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) submit(event);
  }

  function onInput() {
    autoSize();
    var now = Date.now();
    if (el.input.value.trim() && now - state.lastTypingSent > TYPING_SENT_EVERY_MS) {
      if (send({ type: "typing" })) state.lastTypingSent = now;
    }
  }

  // ---- wiring ----

  document.documentElement.style.setProperty("--relais-color", config.color);
  el.composer.addEventListener("submit", submit);
  el.input.addEventListener("keydown", onKeyDown);
  el.input.addEventListener("input", onInput);
  el.close.addEventListener("click", function () { tellParent({ type: "relais:close" }); });
  document.addEventListener("visibilitychange", markRead);
  document.addEventListener("relais:chat", showChat);

  if (embedded) {
    window.addEventListener("message", onParentMessage);
    tellParent({ type: "relais:ready" });
    // A host page without the loader (or an old one) never sends settings.
    setTimeout(function () { start(); }, SETTINGS_WAIT_MS);
  } else {
    el.close.hidden = true;
    start();
  }
})();
