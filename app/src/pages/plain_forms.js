// The one script of the pages that ship no wasm (the sign-in page, the setup screens), inlined
// with the response's nonce: a spinner on the button that posts, copy buttons, and the mark the
// end-to-end tests wait for. The pages work without it: every action is a link or a form.
(() => {
  const spinner = document.querySelector("[data-spinner] svg");

  // The button that posts shows what is happening and cannot be pressed twice. Disabled after the
  // submit event, so the form's data is already taken.
  document.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (!button || !button.dataset.pending) return;
    setTimeout(() => {
      button.disabled = true;
      button.replaceChildren(...(spinner ? [spinner.cloneNode(true)] : []), button.dataset.pending);
    }, 0);
  });

  // A field marked data-keep (the sign-in's email) keeps its value across a refused post, which
  // comes back as a fresh page: kept in this tab's session storage, never in the URL.
  for (const input of document.querySelectorAll("input[data-keep]")) {
    const key = `tessera:${input.dataset.keep}`;
    const kept = sessionStorage.getItem(key);
    if (!input.value && kept) {
      input.value = kept;
      input.form?.querySelector("input[type=password]")?.focus();
    }
    input.form?.addEventListener("submit", () => sessionStorage.setItem(key, input.value));
  }

  for (const button of document.querySelectorAll("button[data-copy]")) {
    const label = button.querySelector("[data-label]");
    button.addEventListener("click", async () => {
      let copied = true;
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
      } catch {
        copied = false;
      }
      label.textContent = copied ? "Copied" : "Could not copy: select the text and copy it by hand";
      setTimeout(() => { label.textContent = "Copy"; }, 1500);
    });
  }

  document.body.dataset.hydrated = "true";
})();
