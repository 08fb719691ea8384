// Members: search by id or email, filter by tier, segment (the program's or RFM) and lifecycle,
// in pages of 50 from GET /v1/members.
import { call } from "../shared/api";
import { fill, h } from "../shared/dom";
import { decimal, integer, label, money } from "../shared/format";
import type { View } from "./main";
import type { Directory } from "./types";

const kRfm = ["champions", "loyal", "potential_loyalist", "new", "promising", "need_attention",
  "about_to_sleep", "at_risk", "cant_lose_them", "hibernating"];
const kLifecycle = ["new", "active", "at_risk", "lapsed", "reactivated"];

function select(name: string, text: string, values: string[], current: string): HTMLElement {
  return h("label", null, `${text} `, h("select", { name },
    h("option", { value: "" }, "any"),
    ...values.map((v) => h("option", { value: v, selected: v === current }, label(v)))));
}

export async function showMembers(view: View): Promise<void> {
  document.title = "Fidelis · members";
  const params = view.params;
  const query = new URLSearchParams();
  for (const name of ["q", "tier", "segment", "lifecycle", "cursor"]) {
    const value = params.get(name);
    if (value) query.set(name, value);
  }
  query.set("limit", "50");
  const directory = await call<Directory>(view.credentials, `/v1/members?${query}`);
  const form = h("form", { class: "filters", role: "search" },
    h("label", null, "Search ", h("input", { name: "q", type: "search", value: params.get("q") ?? "", placeholder: "member id or email" })),
    h("label", null, "Tier ", h("input", { name: "tier", value: params.get("tier") ?? "", size: 10 })),
    select("segment", "Segment", kRfm, params.get("segment") ?? ""),
    select("lifecycle", "Lifecycle", kLifecycle, params.get("lifecycle") ?? ""),
    h("button", { type: "submit" }, "Show"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (String(value)) next.set(name, String(value));
    location.hash = `#/members?${next}`;
  });
  const rows = directory.members.map((m) =>
    h("tr", null,
      h("th", { scope: "row" }, h("a", { href: `#/member/${encodeURIComponent(m.member)}` }, m.member)),
      h("td", { class: "number" }, integer(m.points.available)),
      h("td", { class: "number" }, integer(m.points.pending)),
      h("td", null, m.tier ? label(m.tier) : "–"),
      h("td", null, m.rfm_segment ? label(m.rfm_segment) : "–"),
      h("td", null, m.lifecycle ? label(m.lifecycle) : "–"),
      h("td", { class: "number" }, m.clv === null ? "–" : money(m.clv, null)),
      h("td", { class: "number" }, m.p_alive === null ? "–" : `${decimal(100 * m.p_alive, 0)} %`),
      h("td", null, m.segments.map(label).join(", "))));
  const next = new URLSearchParams(query);
  next.delete("limit");
  if (directory.next_cursor) next.set("cursor", directory.next_cursor);
  fill(view.main,
    h("h1", null, "Members"),
    form,
    h("p", { role: "status", id: "members-total" }, `${integer(directory.total)} members match`),
    h("div", { class: "scroll card" }, h("table", { class: "list" },
      h("thead", null, h("tr", null, ...["Member", "Available", "Pending", "Tier", "RFM segment", "Lifecycle", "Predicted CLV", "P(alive)", "Program segments"]
        .map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", null, ...rows))),
    h("nav", { class: "pages", "aria-label": "Pages" },
      params.get("cursor") ? h("a", { href: "#/members" }, "First page") : null,
      directory.next_cursor ? h("a", { href: `#/members?${next}`, rel: "next" }, "Next page") : null));
}
