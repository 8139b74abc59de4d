/* Relais chat widget loader. Adds a chat button and a chat window (an iframe
   served by Relais) to the host page. Host pages may set window.RelaisSettings
   = {user_id, email, name, user_hash, locale} before this script; the frame
   trusts none of it except what Relais' server verifies. */
(function (config) {
  "use strict";
  if (window.__relaisWidgetLoaded) return;
  window.__relaisWidgetLoaded = true;

  var SETTING_KEYS = ["user_id", "email", "name", "user_hash", "locale"];
  // The script tag's data-product / data-journey-step, and the page, pick the
  // helpbox's suggestions (the dynamic FAQ).
  var script = document.currentScript;
  var SVG_NS = "http://www.w3.org/2000/svg";
  var CHAT_ICON = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
  var CLOSE_ICON = "M6 6l12 12M18 6L6 18";
  var frame, button, badge, iconPath;
  var isOpen = false;

  function hostSettings() {
    var given = window.RelaisSettings || {};
    var picked = {};
    SETTING_KEYS.forEach(function (key) {
      var value = given[key];
      if (typeof value === "string" || typeof value === "number") picked[key] = String(value);
    });
    return picked;
  }

  function pageContext() {
    var data = (script && script.dataset) || {};
    return {
      page_url: window.location.href,
      product: data.product || "",
      journey_step: data.journeyStep || ""
    };
  }

  function applyStyles(element, styles) {
    Object.keys(styles).forEach(function (name) { element.style.setProperty(name, styles[name]); });
  }

  function post(message) {
    if (frame && frame.contentWindow) frame.contentWindow.postMessage(message, config.origin);
  }

  function isSmallScreen() {
    return !!(window.matchMedia && window.matchMedia("(max-width: 480px)").matches);
  }

  function frameStyles() {
    if (isSmallScreen()) {
      return { position: "fixed", inset: "0", width: "100%", height: "100%", "border-radius": "0" };
    }
    return {
      position: "fixed", right: "20px", bottom: "96px", width: "370px",
      height: "min(600px, calc(100vh - 120px))", "border-radius": "16px"
    };
  }

  function setOpen(open) {
    isOpen = open;
    frame.style.display = open ? "block" : "none";
    // Full-screen on phones: the frame's own close button replaces the launcher.
    button.style.display = open && isSmallScreen() ? "none" : "flex";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.setAttribute("aria-label", open ? config.closeLabel : config.openLabel);
    iconPath.setAttribute("d", open ? CLOSE_ICON : CHAT_ICON);
    iconPath.setAttribute("fill", open ? "none" : "#fff");
    if (open) { setUnread(0); post({ type: "relais:open" }); } else { post({ type: "relais:closed" }); }
  }

  function setUnread(count) {
    badge.textContent = count > 9 ? "9+" : String(count);
    badge.style.display = count > 0 && !isOpen ? "flex" : "none";
  }

  function onMessage(event) {
    if (!frame || event.source !== frame.contentWindow || event.origin !== config.origin) return;
    var data = event.data || {};
    if (data.type === "relais:ready") {
      post({ type: "relais:settings", settings: hostSettings(), context: pageContext() });
      if (isOpen) post({ type: "relais:open" });
    } else if (data.type === "relais:close") {
      setOpen(false);
      button.focus();
    } else if (data.type === "relais:unread" && typeof data.count === "number") {
      setUnread(data.count);
    }
  }

  function buildIcon() {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "26");
    svg.setAttribute("height", "26");
    svg.setAttribute("aria-hidden", "true");
    iconPath = document.createElementNS(SVG_NS, "path");
    iconPath.setAttribute("stroke", "#fff");
    iconPath.setAttribute("stroke-width", "2");
    iconPath.setAttribute("stroke-linecap", "round");
    iconPath.setAttribute("stroke-linejoin", "round");
    svg.appendChild(iconPath);
    return svg;
  }

  function build() {
    var locale = hostSettings().locale || "";
    var url = config.frameUrl;
    if (/^[A-Za-z]{2}([-_][A-Za-z]{2})?$/.test(locale)) url += "?lang=" + encodeURIComponent(locale);

    frame = document.createElement("iframe");
    frame.id = "relais-frame";
    frame.title = config.frameTitle;
    frame.src = url;
    applyStyles(frame, frameStyles());
    applyStyles(frame, {
      display: "none", border: "0", background: "#fff", "z-index": "2147483000",
      "box-shadow": "0 12px 48px rgba(15, 23, 42, 0.28)", "color-scheme": "normal"
    });

    button = document.createElement("button");
    button.type = "button";
    button.setAttribute("data-testid", "relais-launcher");
    button.setAttribute("aria-controls", "relais-frame");
    applyStyles(button, {
      position: "fixed", right: "20px", bottom: "20px", width: "60px", height: "60px",
      "border-radius": "50%", border: "0", cursor: "pointer", padding: "0",
      background: config.color, display: "flex", "align-items": "center",
      "justify-content": "center", "box-shadow": "0 6px 24px rgba(15, 23, 42, 0.3)",
      "z-index": "2147483001"
    });
    button.appendChild(buildIcon());

    badge = document.createElement("span");
    applyStyles(badge, {
      position: "absolute", top: "-4px", right: "-4px", "min-width": "20px", height: "20px",
      "border-radius": "10px", background: "#d93025", color: "#fff", display: "none",
      "align-items": "center", "justify-content": "center", padding: "0 5px",
      font: "600 12px/1 system-ui, sans-serif", "box-sizing": "border-box"
    });
    button.appendChild(badge);

    button.addEventListener("click", function () { setOpen(!isOpen); });
    window.addEventListener("message", onMessage);
    document.body.appendChild(frame);
    document.body.appendChild(button);
    setOpen(false);
  }

  if (document.body) build();
  else document.addEventListener("DOMContentLoaded", build);
})({{ config_js }});
