// The setup screens' live check of the Okta domain or discovery endpoint (after
// plain_forms.js, inlined with it by app/src/setup_screens.rs): "Save configuration" is held until
// the issuer is found. Without it the server checks the issuer when the form is saved.
(() => {
  const template = (id) => document.getElementById(id).content.cloneNode(true);

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
})();
