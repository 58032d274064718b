// The one script of the pages that ship no wasm (the sign-in page, the dashboard's lists and the
// Roles pages on a cold load, the setup screens), inlined with the response's nonce: a spinner on
// the button that posts, what a refused form had, toasts that go, copy buttons, the sidebar's
// toggle, and the mark the end-to-end tests wait for. The pages
// work without it: every action is a link or a form.
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

  // A dashboard form refused by the server comes back as this page with the reason in it (under
  // the field, or above the form: an alert inside the form). What was typed in its
  // data-keep-refused fields comes back too, from this tab's session storage, and only then.
  // A box or a radio button keeps whether it was ticked; a text field or a text area, its text.
  const refusedKey = (input) => `tessera:refused:${input.dataset.keepRefused}`;
  const ticks = (input) => input.type === "checkbox" || input.type === "radio";
  for (const input of document.querySelectorAll("[data-keep-refused]")) {
    const kept = sessionStorage.getItem(refusedKey(input));
    if (kept !== null && input.form?.querySelector("[role=alert]")) {
      if (ticks(input)) input.checked = kept === "on";
      else input.value = kept;
    }
    sessionStorage.removeItem(refusedKey(input));
  }
  document.addEventListener("submit", (event) => {
    for (const input of event.target.querySelectorAll("[data-keep-refused]")) {
      sessionStorage.setItem(refusedKey(input), ticks(input) ? (input.checked ? "on" : "off") : input.value);
    }
  });

  // A toast the server rendered (a plain form post's "Role Auditor created") goes after a few
  // seconds, or when dismissed, as the hydrated dashboard's do (components/toast.rs).
  for (const toast of document.querySelectorAll("[data-toast]")) {
    toast.querySelector("[data-toast-dismiss]")?.addEventListener("click", () => toast.remove());
    setTimeout(() => toast.remove(), 4000);
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

  // The dashboard's sidebar, as the hydrated frame toggles it (components/layout.rs).
  const toggle = document.querySelector("button[data-sidebar-toggle]");
  const sidebar = document.querySelector("[data-sidebar]");
  toggle?.addEventListener("click", () => {
    const collapsed = !sidebar.classList.contains("w-16");
    sidebar.classList.toggle("w-16", collapsed);
    sidebar.classList.toggle("w-60", !collapsed);
    for (const label of document.querySelectorAll("[data-sidebar-label]")) label.classList.toggle("sr-only", collapsed);
    toggle.setAttribute("aria-expanded", String(!collapsed));
    toggle.setAttribute("aria-label", collapsed ? "Expand sidebar" : "Collapse sidebar");
    const icon = toggle.querySelector("svg");
    if (icon) icon.style.transform = collapsed ? "rotate(180deg)" : "";
  });

  // A dashboard page with no wasm names the files every other dashboard page needs; once the admin
  // points at or focuses a link (likely to follow it), the browser fetches them at low priority,
  // so the next page does not start cold. Not before: a first load carries only what it shows.
  const prefetch = document.body.dataset.prefetch;
  if (prefetch) {
    const intents = ["pointerover", "focusin", "touchstart"];
    const onIntent = (event) => {
      if (!event.target.closest?.("a[href^='/']")) return;
      for (const type of intents) document.removeEventListener(type, onIntent);
      for (const href of prefetch.split(" ")) {
        const link = document.createElement("link");
        link.rel = "prefetch";
        link.href = href;
        document.head.append(link);
      }
    };
    for (const type of intents) document.addEventListener(type, onIntent, { passive: true });
  }

  document.body.dataset.hydrated = "true";
})();
