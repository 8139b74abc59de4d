/* The helpbox (the widget's help mode): suggestions for the page, a search
   of the help center, then "Talk to us", which opens the chat (frame.js).
   Titles and URLs come from Relais' server and are inserted as text. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("relais-config").textContent);
  var embedded = window.parent !== window;
  var strings = {};
  document.getElementById("relais-strings").content.querySelectorAll("[data-key]").forEach(
    function (node) { strings[node.getAttribute("data-key")] = node.textContent.trim(); }
  );
  var el = {
    box: byId("helpbox"), title: byId("helpbox-title"), form: byId("helpbox-search"),
    query: byId("helpbox-query"), count: byId("helpbox-count"),
    results: byId("helpbox-results"), suggestions: byId("helpbox-suggestions"),
    talk: byId("helpbox-talk")
  };
  var state = { token: "", context: {}, wantsOpen: !embedded };

  function byId(id) { return document.getElementById(id); }

  function post(url, body) {
    var payload = Object.assign({ token: state.token, lang: config.language }, state.context, body);
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
      credentials: "omit"
    }).then(function (response) {
      if (!response.ok) throw new Error("helpbox " + response.status);
      return response.status === 204 ? {} : response.json();
    });
  }

  function isSafeUrl(url) { return typeof url === "string" && /^(https?:\/\/|\/)/.test(url); }

  // `click`: where the links were listed, sent back with each click so the
  // self-care KPIs can tell a FAQ click from a search result's.
  function renderLinks(list, links, testid, click) {
    list.textContent = "";
    links.forEach(function (link) {
      if (!isSafeUrl(link.url)) return;
      var item = document.createElement("li");
      var anchor = document.createElement("a");
      anchor.href = link.url;
      anchor.target = "_blank";
      anchor.rel = "noopener";
      anchor.textContent = link.title;
      anchor.setAttribute("data-testid", testid);
      anchor.addEventListener("click", function () {
        var step = { step: "article_clicked", article_id: link.article_id };
        Object.keys(click).forEach(function (key) { step[key] = click[key]; });
        post(config.helpStepUrl, step).catch(function () {});
      });
      item.appendChild(anchor);
      list.appendChild(item);
    });
  }

  function open() {
    if (!state.token) { state.wantsOpen = true; return; }
    state.wantsOpen = false;
    post(config.helpOpenUrl, {}).then(function (data) {
      renderLinks(el.suggestions, data.suggestions || [], "helpbox-suggestion", { source: "faq" });
    }).catch(function () {});
  }

  function search(event) {
    event.preventDefault();
    var q = el.query.value.trim();
    if (!q || !state.token) return;
    post(config.helpSearchUrl, { q: q }).then(function (data) {
      var results = data.results || [];
      renderLinks(el.results, results, "helpbox-result",
        { source: "search", search_event_id: data.search_event_id });
      el.results.hidden = !results.length;
      el.count.textContent = results.length
        ? strings.results_some.replace("{count}", String(results.length))
        : strings.results_none;
    }).catch(function () {});
  }

  function talk() {
    post(config.helpStepUrl, { step: "escalated" }).catch(function () {});
    el.box.hidden = true;
    document.dispatchEvent(new CustomEvent("relais:chat"));
  }

  document.addEventListener("relais:session", function (event) {
    var first = !state.token;
    state.token = event.detail.token;
    state.context = event.detail.context || {};
    if (first && state.wantsOpen) open();
  });
  document.addEventListener("relais:help-open", function () {
    open();
    el.title.focus();
  });
  el.form.addEventListener("submit", search);
  el.talk.addEventListener("click", talk);
})();
