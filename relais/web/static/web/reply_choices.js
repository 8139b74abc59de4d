// The channel's choices in the reply box: picking a WhatsApp template shows
// its value fields (each template's fields are named after it, so only the
// chosen one's values count on the server) and, while a template is chosen,
// the free text is not needed: the template is the message.
(function () {
  "use strict";
  const picker = document.querySelector("[data-reply-template]");
  if (!picker) return;
  const select = picker.querySelector("[data-template-select]");
  const form = picker.closest("form");
  const input = document.getElementById("reply-input");
  const textLocked = input && input.disabled;

  function show() {
    for (const group of picker.querySelectorAll("[data-template-fields]")) {
      const chosen = group.dataset.templateFields === select.value;
      group.hidden = !chosen;
      for (const field of group.querySelectorAll("input")) field.required = chosen;
    }
    if (input && !textLocked) input.disabled = Boolean(select.value);
  }

  select.addEventListener("change", show);
  // After a send the page resets the form: hide the fields again.
  if (form) form.addEventListener("reset", () => setTimeout(show, 0));
  show();
})();
