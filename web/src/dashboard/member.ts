// A member's page: balances, tier, value (CLV, P(alive), RFM), an agent view (seed 004: who to
// treat first and how, recent tickets), rewards and codes, missions, referral, profile, consents,
// the ledger with every line's reason, and a goodwill adjustment that requires a reason.
import { ApiError, call, newIdempotencyKey } from "../shared/api";
import { fill, h } from "../shared/dom";
import { date, dateTime, decimal, integer, label, money } from "../shared/format";
import type { View } from "./main";
import type { Directory, DirectoryEntry, Ledger, LedgerLine, MemberState } from "./types";
import type { Mission, Reward } from "../shared/types";

interface Referral {
  code: string;
  referred_by: string | null;
  referees: unknown[];
}
interface Export {
  profile: Record<string, unknown> | null;
}

const section = (title: string, ...content: (Node | string | null)[]) =>
  h("section", { class: "card", "aria-label": title }, h("h2", null, title), ...content);

const facts = (pairs: [string, Node | string][]) =>
  h("dl", { class: "facts" }, ...pairs.flatMap(([term, value]) => [h("dt", null, term), h("dd", null, value)]));

// Seed 004: the agent sees at once whether this customer matters most, speaks for the shop, and
// what tone fits; each flag says what it is based on.
function agentView(entry: DirectoryEntry | undefined, state: MemberState, referral: Referral | null): HTMLElement {
  const segment = entry?.rfm_segment ?? "";
  const priority = ["champions", "loyal", "cant_lose_them"].includes(segment) || (entry?.clv ?? 0) > 1000;
  const ambassador = (referral?.referees.length ?? 0) > 0 || state.badges.length >= 2;
  const tone =
    segment === "cant_lose_them" || segment === "at_risk" ? "Apologetic and generous: they are drifting away; offer a goodwill gesture"
    : segment === "champions" || segment === "loyal" ? "Warm and personal: thank them; they know the shop"
    : segment === "new" || segment === "promising" ? "Welcoming and clear: explain how points and rewards work"
    : segment === "hibernating" || segment === "about_to_sleep" ? "Friendly reminder: what is new, and their points waiting"
    : "Helpful and concise";
  return section("Agent view",
    h("ul", { class: "flags" },
      h("li", { class: priority ? "flag on" : "flag" }, priority ? "Priority customer" : "Standard priority",
        h("span", { class: "muted small" }, ` (RFM ${segment ? label(segment) : "–"}, CLV ${entry?.clv === null || entry?.clv === undefined ? "–" : money(entry.clv, null)})`)),
      h("li", { class: ambassador ? "flag on" : "flag" }, ambassador ? "Ambassador" : "Not an ambassador yet",
        h("span", { class: "muted small" }, ` (${integer(referral?.referees.length ?? 0)} referred, ${integer(state.badges.length)} badges)`))),
    h("p", null, h("strong", null, "Suggested tone: "), tone),
    h("h3", null, `Recent tickets (${integer(state.tickets.opened)} in all)`),
    state.tickets.recent.length
      ? h("ul", { class: "plain", id: "member-tickets" }, ...state.tickets.recent.map((t) =>
          h("li", null, `${date(t.at)} · `, t.topic || h("span", { class: "muted" }, "no topic"), h("span", { class: "muted small" }, ` (${t.ticket_id})`))))
      : h("p", { class: "muted" }, "No ticket opened."));
}

// What the member agreed to be contacted for (seed 003: consent before messages), and when.
function consentsSection(state: MemberState): HTMLElement {
  return section("Consents", state.consents.length
    ? h("table", { class: "list", id: "member-consents" },
        h("thead", null, h("tr", null, ...["Channel and purpose", "Answer", "Since"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", null, ...state.consents.map((c) =>
          h("tr", null, h("td", null, c.topic), h("td", null, c.granted ? "given" : "withdrawn"), h("td", null, date(c.at))))))
    : h("p", { class: "muted" }, "No consent recorded: no message may be sent."));
}

function ledgerTable(lines: LedgerLine[]): HTMLElement {
  return h("table", { class: "list ledger" },
    h("thead", null, h("tr", null, ...["When", "Points", "Why", "Available after"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", null, ...lines.map((line) =>
      h("tr", null,
        h("td", null, dateTime(line.at)),
        line.points === 0 && line.credit
          ? h("td", { class: "number muted" }, "credit")
          : h("td", { class: `number ${line.points < 0 ? "minus" : "plus"}` }, `${line.points > 0 ? "+" : ""}${integer(line.points)}`),
        h("td", null, line.reason, h("span", { class: "muted small" }, ` (${line.rule})`)),
        h("td", { class: "number" }, integer(line.balance.available))))));
}

function adjustmentForm(view: View, member: string): HTMLElement {
  const points = h("input", { id: "adjust-points", name: "points", type: "number", step: "1", required: true });
  const reason = h("input", { id: "adjust-reason", name: "reason", required: true, minlength: "3", size: 40 });
  const result = h("p", { role: "status", id: "adjust-result" });
  const form = h("form", { class: "inline" },
    h("label", { for: "adjust-points" }, "Points (negative to remove)"), points,
    h("label", { for: "adjust-reason" }, "Reason (the member sees it)"), reason,
    h("button", { type: "submit" }, "Adjust"), result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await call(view.credentials, `/v1/members/${encodeURIComponent(member)}/adjustments`, {
        method: "POST",
        body: { points: Number(points.value), reason: reason.value, actor: "dashboard" },
        idempotencyKey: newIdempotencyKey(),
      });
      fill(result, "Done: the ledger shows it with your reason.");
      setTimeout(() => void showMember(view, member), 400);
    } catch (failure) {
      fill(result, h("span", { class: "error" }, failure instanceof ApiError ? failure.message : String(failure)));
    }
  });
  return form;
}

async function openWidget(view: View, member: string, out: HTMLElement): Promise<void> {
  try {
    const minted = await call<{ token: string }>(view.credentials, "/v1/member-tokens", { method: "POST", body: { member, seconds: 3600 } });
    window.open(`/widget/#member=${encodeURIComponent(member)}&token=${encodeURIComponent(minted.token)}`, "_blank", "noopener");
  } catch (failure) {
    fill(out, h("span", { class: "error" }, failure instanceof ApiError ? failure.message : String(failure)));
  }
}

export async function showMember(view: View, member: string): Promise<void> {
  document.title = `Fidelis · ${member}`;
  const path = `/v1/members/${encodeURIComponent(member)}`;
  const after = Number(view.params.get("after") ?? "0");
  const [state, ledger, rewards, missions, referral, exported, directory] = await Promise.all([
    call<MemberState>(view.credentials, path),
    call<Ledger>(view.credentials, `${path}/ledger?limit=100&after=${after}`),
    call<{ rewards: Reward[] }>(view.credentials, `${path}/rewards`),
    call<{ missions: Mission[] }>(view.credentials, `${path}/missions`),
    call<Referral | null>(view.credentials, `${path}/referral`),
    call<Export>(view.credentials, `${path}/export`),
    call<Directory>(view.credentials, `/v1/members?q=${encodeURIComponent(member)}&limit=1000`),
  ]);
  const entry = directory.members.find((m) => m.member === member);
  const p = state.points;
  const widgetOut = h("span", { role: "status" });
  const tier = state.tier;
  fill(view.main,
    h("p", null, h("a", { href: "#/members" }, "← Members")),
    h("div", { class: "title-row" }, h("h1", null, `Member ${member}`),
      h("button", { type: "button", onclick: () => void openWidget(view, member, widgetOut) }, "Open their widget"), widgetOut),
    h("div", { class: "grid" },
      section("Balance", facts([
        ["Available", h("span", { id: "member-available" }, `${integer(p.available)} pts`)],
        ["Pending", `${integer(p.pending)} pts`],
        ["Debt", `${integer(p.debt)} pts`],
        ["Earned / spent", `${integer(p.earned)} / ${integer(p.spent)}`],
        ["Expired / reversed", `${integer(p.expired)} / ${integer(p.reversed)}`],
        ["Next expiry", state.next_expiry ? `${integer(state.next_expiry.points)} pts on ${date(state.next_expiry.at)}` : "none"],
      ])),
      section("Tier and value", facts([
        ["Tier", tier ? `${label(tier.id)} since ${date(tier.since)}` : "none"],
        ["Tier review", tier?.review_at ? date(tier.review_at) : "–"],
        ["Predicted CLV", entry?.clv === null || entry?.clv === undefined ? "–" : money(entry.clv, null)],
        ["P(alive)", entry?.p_alive === null || entry?.p_alive === undefined ? "–" : `${decimal(100 * entry.p_alive, 0)} %`],
        ["RFM segment", entry?.rfm_segment ? label(entry.rfm_segment) : "–"],
        ["Lifecycle", entry?.lifecycle ? label(entry.lifecycle) : "–"],
        ["Program segments", entry?.segments.length ? entry.segments.map(label).join(", ") : "none"],
        ["Badges", state.badges.length ? state.badges.map((b) => label(b.id)).join(", ") : "none"],
      ])),
      agentView(entry, state, referral),
      section("Profile", facts(Object.entries(exported.profile ?? {}).map(([k, v]) => [label(k), String(v)] as [string, string]))),
      consentsSection(state),
      section("Rewards", h("ul", { class: "plain" }, ...rewards.rewards.map((r) =>
        h("li", null, h("strong", null, r.name), ` · ${r.points !== undefined ? `${integer(r.points)} pts` : "store credit"} · `,
          r.eligible ? "can redeem" : h("span", { class: "muted" }, r.why_not ?? `${integer(r.points_missing)} pts missing`)))),
        state.codes.length ? h("h3", null, "Codes") : null,
        state.codes.length ? h("ul", { class: "plain" }, ...state.codes.map((c) => h("li", null, h("code", null, c.code), ` ${c.reward} · ${c.status}`))) : null),
      section("Missions", missions.missions.length
        ? h("ul", { class: "plain" }, ...missions.missions.map((m) =>
            h("li", null, h("progress", { max: m.target, value: Math.min(m.count, m.target), "aria-label": m.id }), ` ${m.count}/${m.target} · ${m.terms}`)))
        : h("p", { class: "muted" }, "The program has no missions.")),
      section("Referral", referral
        ? facts([["Code", referral.code], ["Referred by", referral.referred_by ?? "–"], ["Referred", integer(referral.referees.length)]])
        : h("p", { class: "muted" }, "No referral yet."))),
    section("Goodwill adjustment", adjustmentForm(view, member)),
    section("Ledger", h("p", { class: "muted" }, "Every line says why the balance moved."),
      h("div", { class: "scroll" }, ledgerTable(ledger.lines)),
      ledger.next_after ? h("a", { href: `#/member/${encodeURIComponent(member)}?after=${ledger.next_after}` }, "Later lines") : null));
}
