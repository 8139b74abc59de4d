// Saved replies in the reply box: the picker inserts the chosen reply, and
// "/shortcut" followed by Tab (or a space) is replaced by its reply. The text
// comes rendered from the server (the channel's variant, variables filled),
// and is inserted as plain text at the cursor.
(function () {
  "use strict";
  const box = document.querySelector("[data-saved-replies]");
  const input = document.getElementById("reply-input");
  if (!box || !input) return;
  const select = box.querySelector("[data-saved-reply-select]");
  const byShortcut = new Map();
  for (const option of select.options) {
    if (option.dataset.shortcut) byShortcut.set(option.dataset.shortcut, option.value);
  }

  async function rendered(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) throw new Error("saved reply " + response.status);
    return (await response.json()).body;
  }

  function replaceRange(start, end, text) {
    input.setRangeText(text, start, end, "end");
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.focus();
  }

  box.querySelector("[data-saved-reply-insert]").addEventListener("click", async () => {
    if (!select.value) return;
    const text = await rendered(select.value);
    replaceRange(input.selectionStart, input.selectionEnd, text);
    select.value = "";
  });
  select.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      box.querySelector("[data-saved-reply-insert]").click();
    }
  });

  // The "/word" just before the cursor, at the start or after white space.
  function shortcutBeforeCursor() {
    const end = input.selectionStart;
    if (end !== input.selectionEnd) return null;
    const found = /(^|\s)\/([a-z0-9_-]+)$/.exec(input.value.slice(0, end));
    if (!found || !byShortcut.has(found[2])) return null;
    return { start: end - found[2].length - 1, end, url: byShortcut.get(found[2]) };
  }

  input.addEventListener("keydown", async (event) => {
    if (event.key !== "Tab" && event.key !== " ") return;
    if (event.ctrlKey || event.altKey || event.metaKey || event.shiftKey) return;
    const shortcut = shortcutBeforeCursor();
    if (!shortcut) return;
    event.preventDefault();
    replaceRange(shortcut.start, shortcut.end, await rendered(shortcut.url));
  });
})();
