// The setup screens' one script, inlined with the page's nonce (app/src/pages/setup.rs): copy
// buttons, a spinner on the button that posts, and the live check of the Okta domain or discovery
// endpoint with "Save configuration" held until it is found. The screens work without it: every
// step is a link or a form the server answers, and the server checks everything again on save.
(() => {
  const template = (id) => document.getElementById(id).content.cloneNode(true);

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

  // The button that posts shows what is happening and cannot be pressed twice. Disabled after the
  // submit event, so the form's data is already taken.
  document.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (!button || !button.dataset.pending) return;
    setTimeout(() => {
      button.disabled = true;
      button.replaceChildren(template("setup-spinner"), button.dataset.pending);
    }, 0);
  });

  const form = document.querySelector("form[data-check]");
  if (form) {
    const field = (name) => form.elements.namedItem(name);
    const status = form.querySelector("[data-testid=issuer-status]");
    const save = form.querySelector("button[type=submit]");
    const hasSecret = form.dataset.hasSecret === "true";
    let found = false;
    let latest = 0;
    let timer;
    const ready = () => {
      save.disabled = !(found && field("client_id").value.trim() && (hasSecret || field("client_secret").value.trim()));
    };
    const check = () => {
      const ticket = ++latest;
      found = false;
      ready();
      clearTimeout(timer);
      const address = field("address").value;
      if (!address.trim()) {
        status.replaceChildren();
        return;
      }
      status.replaceChildren(template("setup-checking"));
      timer = setTimeout(async () => {
        let answer;
        try {
          const body = new URLSearchParams({ provider: field("provider").value, address });
          const response = await fetch(form.dataset.check, { method: "POST", body });
          answer = await response.json();
        } catch {
          answer = null;
        }
        if (ticket !== latest) return;
        if (answer) {
          status.innerHTML = answer.html;
          found = answer.found === true;
        } else {
          status.replaceChildren(template("setup-check-failed"));
        }
        ready();
      }, 400);
    };
    field("address").addEventListener("input", check);
    field("client_id").addEventListener("input", ready);
    field("client_secret").addEventListener("input", ready);
    check();
  }

  document.body.dataset.hydrated = "true";
})();
