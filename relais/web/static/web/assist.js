/* Agent assist: "Insert link" / "Insert text" put the article into the reply
 * box at the cursor. The server answers with the text (and appends the Event
 * that counts the insertion); the text is only ever set as a value. */
(function () {
  "use strict";

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function insertAtCursor(textarea, text) {
    const start = textarea.selectionStart ?? textarea.value.length;
    const end = textarea.selectionEnd ?? start;
    const before = textarea.value.slice(0, start);
    const spacer = before && !/\s$/.test(before) ? " " : "";
    textarea.value = before + spacer + text + textarea.value.slice(end);
    const caret = (before + spacer + text).length;
    textarea.focus();
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("click", async function (event) {
    const button = event.target.closest("[data-assist-insert]");
    if (!button) return;
    const panel = button.closest("[data-insert-url]");
    const item = button.closest("[data-article-id]");
    const reply = document.getElementById("reply-input");
    if (!panel || !item || !reply) return;
    const form = new FormData();
    form.append("article", item.dataset.articleId);
    form.append("mode", button.dataset.assistInsert);
    form.append("source", panel.dataset.source || "suggested");
    form.append("rank", item.dataset.rank || "");
    button.disabled = true;
    try {
      const response = await fetch(panel.dataset.insertUrl, {
        method: "POST",
        body: form,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
      });
      const answer = await response.json();
      if (response.ok) insertAtCursor(reply, answer.text);
      else console.warn("relais assist:", answer.error);
    } catch (error) {
      console.warn("relais assist:", error);
    } finally {
      button.disabled = false;
    }
  });
})();
