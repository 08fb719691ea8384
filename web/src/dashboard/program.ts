// Program: the rules page members read (in a sandboxed frame: no script runs in it), the
// versions, and a simulation of a draft against the live program over the stored history.
import { ApiError, call } from "../shared/api";
import { fill, h } from "../shared/dom";
import { dateTime, integer, money } from "../shared/format";
import type { View } from "./main";

interface ProgramAnswer {
  versions: { version: number; applies_from: string | null; activated_at: string }[];
  in_force: { version: number; definition: unknown } | null;
}

interface Side {
  points_issued: number;
  points_redeemed: number;
  points_expired: number;
  points_reversed: number;
  points_outstanding: number;
  liability: { amount: string; currency: string } | null;
  rewards_issued: number;
  members: number;
  issued_per_member: number;
  cost_per_member: { amount: string; currency: string } | null;
  tiers: Record<string, number>;
}

interface Simulation {
  inputs: number;
  live: Side;
  draft: Side;
  members_affected: number;
  refused: number;
  refusals: string[];
}

function comparison(result: Simulation): HTMLElement {
  const rows: [string, (s: Side) => string][] = [
    ["Points issued", (s) => integer(s.points_issued)],
    ["Points redeemed", (s) => integer(s.points_redeemed)],
    ["Points expired", (s) => integer(s.points_expired)],
    ["Points reversed", (s) => integer(s.points_reversed)],
    ["Points outstanding", (s) => integer(s.points_outstanding)],
    ["Liability", (s) => (s.liability ? money(s.liability.amount, s.liability.currency) : "–")],
    ["Points per member", (s) => integer(s.issued_per_member)],
    ["Cost per member", (s) => (s.cost_per_member ? money(s.cost_per_member.amount, s.cost_per_member.currency) : "–")],
    ["Rewards issued", (s) => integer(s.rewards_issued)],
    ["Tiers", (s) => Object.entries(s.tiers).map(([t, n]) => `${t} ${integer(n)}`).join(", ")],
  ];
  return h("div", null,
    h("table", { class: "list", id: "simulation" },
      h("thead", null, h("tr", null, h("th", { scope: "col" }, ""), h("th", { scope: "col" }, "Live"), h("th", { scope: "col" }, "Draft"))),
      h("tbody", null, ...rows.map(([name, pick]) =>
        h("tr", null, h("th", { scope: "row" }, name), h("td", null, pick(result.live)), h("td", null, pick(result.draft)))))),
    h("p", null, `${integer(result.inputs)} events replayed; ${integer(result.members_affected)} members would end differently; ${integer(result.refused)} spends refused under the draft.`),
    result.refusals.length ? h("ul", { class: "small" }, ...result.refusals.slice(0, 10).map((r) => h("li", null, r))) : null);
}

export async function showProgram(view: View): Promise<void> {
  document.title = "Fidelis · program";
  const [program, rules] = await Promise.all([
    call<ProgramAnswer>(view.credentials, "/v1/program"),
    call<string>(view.credentials, "/v1/program/rules-page?format=html&lang=en").catch(() => ""),
  ]);
  const frame = h("iframe", { title: "The rules page members read", sandbox: "", class: "rules" });
  frame.srcdoc = rules || "<p>No program in force.</p>";
  const draft = h("textarea", { id: "draft", rows: 16, spellcheck: "false", "aria-describedby": "draft-help" });
  draft.value = program.in_force ? JSON.stringify(program.in_force.definition, null, 2) : "";
  const from = h("input", { id: "sim-from", type: "date" });
  const to = h("input", { id: "sim-to", type: "date" });
  const out = h("div", { role: "status", id: "simulation-result" });
  const form = h("form", null,
    h("label", { for: "draft" }, "Draft program (JSON)"), draft,
    h("p", { id: "draft-help", class: "muted" }, "Edit the live program and simulate it over the stored history; nothing is changed."),
    h("div", { class: "inline" }, h("label", { for: "sim-from" }, "From"), from, h("label", { for: "sim-to" }, "To"), to,
      h("button", { type: "submit" }, "Simulate")),
    out);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    fill(out, "Simulating over the whole history…");
    const query = new URLSearchParams();
    if (from.value) query.set("from", `${from.value}T00:00:00Z`);
    if (to.value) query.set("to", `${to.value}T00:00:00Z`);
    let body: unknown;
    try {
      body = JSON.parse(draft.value);
    } catch (failure) {
      fill(out, h("span", { class: "error" }, `The draft is not JSON: ${String(failure)}`));
      return;
    }
    try {
      fill(out, comparison(await call<Simulation>(view.credentials, `/v1/program:simulate?${query}`, { method: "POST", body })));
    } catch (failure) {
      fill(out, h("span", { class: "error" }, failure instanceof ApiError ? `${failure.pointer ? failure.pointer + ": " : ""}${failure.message}` : String(failure)));
    }
  });
  fill(view.main,
    h("h1", null, "Program"),
    h("div", { class: "grid two" },
      h("section", { class: "card", "aria-label": "Rules page" }, h("h2", null, "Rules page"), frame),
      h("section", { class: "card", "aria-label": "Versions" }, h("h2", null, "Versions"),
        h("table", { class: "list" },
          h("thead", null, h("tr", null, ...["Version", "Applies from", "Activated"].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", null, ...program.versions.map((v) =>
            h("tr", null, h("td", null, String(v.version)), h("td", null, v.applies_from ? dateTime(v.applies_from) : "all events"), h("td", null, dateTime(v.activated_at)))))))),
    h("section", { class: "card", "aria-label": "Simulation" }, h("h2", null, "Simulate a draft"), form));
}
