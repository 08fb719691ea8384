// The merchant dashboard: log in with an admin key, then Overview (KPI cards and charts), Members
// (search and lists, a member's page) and Program (rules page, versions, simulation of a draft).
// Every figure comes from a documented API route; the page keeps nothing but the key, and that
// only in this tab's session storage.
import { ApiError, call, type Credentials } from "../shared/api";
import { fill, h } from "../shared/dom";
import { showMember } from "./member";
import { showMembers } from "./members";
import { showOverview } from "./overview";
import { showProgram } from "./program";

const kKeyStorage = "fidelis.admin-key";
const app = document.getElementById("app") as HTMLElement;

export interface View {
  credentials: Credentials;
  main: HTMLElement;
  params: URLSearchParams;
}

function loginPage(message?: string): void {
  document.title = "Fidelis · log in";
  const input = h("input", {
    id: "key",
    name: "key",
    type: "password",
    autocomplete: "off",
    required: true,
    "aria-describedby": "key-help",
  });
  const error = h("p", { id: "login-error", class: "error", role: "alert" }, message ?? "");
  const form = h(
    "form",
    { class: "login card", "aria-labelledby": "login-title" },
    h("h1", { id: "login-title" }, "Fidelis dashboard"),
    h("label", { for: "key" }, "Admin API key"),
    input,
    h("p", { id: "key-help", class: "muted" },
      "fidelis demo prints one (admin key: …); otherwise: fidelis --shop ID key create --scope admin"),
    h("button", { type: "submit" }, "Log in"),
    error,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    try {
      // An admin-only route: a server or storefront key is refused here, not later.
      await call({ key }, "/v1/members?limit=1");
      sessionStorage.setItem(kKeyStorage, key);
      if (!location.hash || location.hash === "#/login") location.hash = "#/overview";
      route();
    } catch (failure) {
      fill(error, failure instanceof ApiError ? `Refused: ${failure.message}` : String(failure));
      input.focus();
    }
  });
  fill(app, h("main", { id: "main" }, form));
  input.focus();
}

function navigation(current: string): HTMLElement {
  const link = (href: string, text: string, name: string) =>
    h("a", { href, "aria-current": current === name ? "page" : undefined }, text);
  return h(
    "header",
    { class: "top" },
    h("a", { class: "brand", href: "#/overview" }, "Fidelis"),
    h(
      "nav",
      { "aria-label": "Sections" },
      link("#/overview", "Overview", "overview"),
      link("#/members", "Members", "members"),
      link("#/program", "Program", "program"),
    ),
    h(
      "button",
      {
        type: "button",
        class: "link",
        onclick: () => {
          sessionStorage.removeItem(kKeyStorage);
          location.hash = "#/login";
        },
      },
      "Log out",
    ),
  );
}

async function route(): Promise<void> {
  const key = sessionStorage.getItem(kKeyStorage);
  if (!key) return loginPage();
  const [path, query] = (location.hash.replace(/^#/, "") || "/overview").split("?");
  const parts = path.split("/").filter(Boolean);
  const section = parts[0] ?? "overview";
  const main = h("main", { id: "main", tabindex: "-1" });
  fill(app, navigation(section === "member" ? "members" : section), main);
  const view: View = { credentials: { key }, main, params: new URLSearchParams(query ?? "") };
  try {
    if (section === "members") await showMembers(view);
    else if (section === "member" && parts[1]) await showMember(view, decodeURIComponent(parts[1]));
    else if (section === "program") await showProgram(view);
    else await showOverview(view);
  } catch (failure) {
    if (failure instanceof ApiError && failure.status === 401) {
      sessionStorage.removeItem(kKeyStorage);
      return loginPage(`Refused: ${failure.message}`);
    }
    fill(main, h("p", { class: "error", role: "alert" }, String(failure instanceof Error ? failure.message : failure)));
  }
}

window.addEventListener("hashchange", () => void route());
void route();
