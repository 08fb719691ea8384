// Overview: the KPI cards (current period against the previous one) and the charts.
import { call } from "../shared/api";
import { fill, h } from "../shared/dom";
import { decimal, integer, label, money, percent } from "../shared/format";
import { chartCard, cohortTable, rfmGrid } from "./charts";
import type { View } from "./main";
import type { Charts, Kpis, PeriodRow, ProgramPeriod, Scores } from "./types";

interface Card {
  id: string;
  title: string;
  value: number | null | undefined;
  text: string;
  previous?: number | null;
  // Whether a rise is good news (churn, CES: no).
  higherIsBetter?: boolean;
  // A rate in percent or a score (NPS): its change reads in points ("+1.5 pts"), not as a
  // percentage of itself.
  inPoints?: boolean;
  note?: string;
}

function delta(card: Card): HTMLElement | null {
  if (card.previous === undefined) return null;
  if (card.previous === null || card.value === null || card.value === undefined) {
    return h("span", { class: "delta muted" }, "no previous period");
  }
  const change = card.value - card.previous;
  const relative = card.previous !== 0 && !card.inPoints ? (100 * change) / Math.abs(card.previous) : null;
  const unit = card.inPoints ? " pts" : "";
  const good = change === 0 ? null : (change > 0) === (card.higherIsBetter ?? true);
  const arrow = change > 0 ? "▲" : change < 0 ? "▼" : "=";
  return h("span", { class: `delta ${good === null ? "" : good ? "good" : "bad"}` },
    h("span", { "aria-hidden": "true" }, `${arrow} `),
    relative === null ? `${change > 0 ? "+" : ""}${decimal(change)}${unit}` : `${change > 0 ? "+" : ""}${decimal(relative)} %`,
    h("span", { class: "visually-hidden" }, ` against the previous period (${decimal(card.previous, 2)})`));
}

function kpiCard(card: Card): HTMLElement {
  return h("article", { class: "card kpi", "data-kpi": card.id },
    h("h3", null, card.title),
    h("p", { class: "value", "data-value": card.value === null || card.value === undefined ? "" : String(card.value) }, card.text),
    delta(card),
    card.note ? h("p", { class: "muted small" }, card.note) : null);
}

function periodCards(current: PeriodRow | null, previous: PeriodRow | null, currency: string | null): Card[] {
  const of = (row: PeriodRow | null, pick: (r: PeriodRow) => number | null) => (row ? pick(row) : null);
  const pair = (pick: (r: PeriodRow) => number | null) => ({ value: of(current, pick), previous: of(previous, pick) });
  const active = pair((r) => r.customers_end);
  const retention = pair((r) => r.retention_rate);
  const churn = pair((r) => r.churn_rate);
  const repeat = pair((r) => r.repeat_purchase_rate);
  const frequency = pair((r) => r.purchase_frequency);
  const aov = pair((r) => r.average_order_value);
  const revenue = pair((r) => r.revenue);
  return [
    { id: "active_customers", title: "Active customers", ...active, text: integer(active.value), note: "with an order in the period" },
    { id: "retention_rate", inPoints: true, title: "Retention rate", ...retention, text: percent(retention.value), note: "(CE − CN) / CS: returners after a gap count" },
    { id: "churn_rate", inPoints: true, title: "Churn rate", ...churn, text: percent(churn.value), higherIsBetter: false },
    { id: "repeat_purchase_rate", inPoints: true, title: "Repeat purchase rate", ...repeat, text: percent(repeat.value) },
    { id: "purchase_frequency", title: "Purchase frequency", ...frequency, text: decimal(frequency.value, 2), note: "orders per active customer" },
    { id: "average_order_value", title: "AOV, members", ...aov, text: money(aov.value, currency), note: "average order value of the program's members" },
    { id: "revenue", title: "Revenue", ...revenue, text: money(revenue.value, currency) },
  ];
}

// Members against everyone else: the shop's orders outside the program (guest.order.placed).
function nonMemberCard(kpis: Kpis): Card {
  const n = kpis.non_members;
  const value = n?.current?.average_order_value ?? null;
  const members = kpis.current?.average_order_value ?? null;
  const orders = n?.current?.orders ?? 0;
  const gap = value !== null && members !== null && value !== 0 ? (100 * (members - value)) / value : null;
  const note = orders === 0
    ? "no orders from non-members in the period (send them as guest.order.placed)"
    : `${integer(orders)} orders${gap === null ? "" : `; members spend ${gap >= 0 ? "+" : ""}${decimal(gap, 0)} % per order`}`;
  return { id: "aov_non_members", title: "AOV, non-members", value, previous: n?.previous?.average_order_value ?? null, text: money(value, kpis.currency), note };
}

function scoreCards(current: Scores | null | undefined, previous: Scores | null | undefined): Card[] {
  const pick = (s: Scores | null | undefined, key: "nps" | "csat" | "ces") => (s ? s[key] : null);
  return [
    { id: "nps", inPoints: true, title: "NPS", value: pick(current, "nps"), previous: pick(previous, "nps"), text: decimal(pick(current, "nps"), 0), note: `${integer(current?.nps_answers ?? 0)} answers` },
    { id: "csat", inPoints: true, title: "CSAT", value: pick(current, "csat"), previous: pick(previous, "csat"), text: percent(pick(current, "csat"), 0), note: `${integer(current?.csat_answers ?? 0)} answers, share of 4-5` },
    { id: "ces", title: "CES", value: pick(current, "ces"), previous: pick(previous, "ces"), text: decimal(pick(current, "ces"), 2), higherIsBetter: false, note: `${integer(current?.ces_answers ?? 0)} answers, effort 1-7` },
  ];
}

// The program's cards: the last complete period against the one before (as every card), with the
// figure for the whole life of the program, or now, in the note.
function programCards(kpis: Kpis): Card[] {
  const p = kpis.points;
  const cur = kpis.program_periods?.current ?? null;
  const prev = kpis.program_periods?.previous ?? null;
  const compared = <T,>(pick: (r: ProgramPeriod) => T, lifetime: T) =>
    cur ? { value: pick(cur), previous: prev ? pick(prev) : null } : { value: lifetime };
  const members = compared((r) => r.members, kpis.members);
  const redemption = compared((r) => r.redemption_rate, p.redemption_rate);
  const breakage = compared((r) => r.breakage_rate, p.breakage_rate);
  const outstanding = compared((r) => r.points.outstanding, p.outstanding);
  const referral = compared((r) => r.referral_rate, kpis.referrals.referral_rate);
  const missions = compared((r) => r.missions?.completion_rate ?? null, kpis.missions?.completion_rate ?? null);
  // The forecast made at the end of each period, fitted on the orders known then.
  const clvAt = kpis.clv_periods?.current;
  const clv = clvAt !== undefined && clvAt !== null
    ? { value: clvAt.mean ?? null, previous: kpis.clv_periods?.previous?.mean ?? null }
    : { value: kpis.clv?.mean ?? null };
  const money_now = p.liability ? ` ≈ ${money(p.liability.amount, p.liability.currency)}` : "";
  return [
    { id: "members", title: "Members", ...members, text: integer(members.value), note: `at the period's end; ${integer(kpis.members)} now` },
    { id: "clv_mean", title: "Predicted CLV", ...clv, text: money(clv.value, kpis.currency), note: clvNote(kpis) },
    { id: "redemption_rate", inPoints: true, title: "Redemption rate", ...redemption, text: percent(redemption.value), note: `points redeemed / issued up to the period's end; ${percent(p.redemption_rate)} now` },
    { id: "breakage_rate", inPoints: true, title: "Breakage", ...breakage, text: percent(breakage.value), note: `points expired / issued up to the period's end; ${percent(p.breakage_rate)} now`, higherIsBetter: false },
    { id: "liability_points", title: "Points liability", ...outstanding, text: `${integer(outstanding.value)} pts`, note: `outstanding at the period's end; ${integer(p.outstanding)} pts now${money_now}` },
    { id: "referral_rate", inPoints: true, title: "Referral rate", ...referral, text: percent(referral.value), note: `of members who joined in the period; ${integer(kpis.referrals.referred)} joined by referral in all` },
    { id: "mission_completion", inPoints: true, title: "Mission completion", ...missions, text: percent(missions.value), note: missionNote(kpis) },
  ];
}

function clvNote(kpis: Kpis): string {
  if (!kpis.clv?.fitted) return kpis.clv?.why_not ?? "";
  const months = kpis.clv.horizon_months ?? 12;
  return `mean per customer, next ${months} months, forecast at the period's end; ${money(kpis.clv.mean ?? null, kpis.currency)} today`;
}

function missionNote(kpis: Kpis): string {
  if (!kpis.missions) return "no missions";
  const m = kpis.program_periods?.current?.missions;
  const period = m ? `${integer(m.completed)} completed, ${integer(m.started)} started in the period; ` : "";
  return `${period}${integer(kpis.missions.completed)} of ${integer(kpis.missions.started)} now`;
}

function periodPicker(current: string): HTMLElement {
  const select = h("select", { id: "period", onchange: (event: Event) => {
    location.hash = `#/overview?period=${(event.target as HTMLSelectElement).value}`;
  } }, ...["month", "quarter", "year"].map((p) => h("option", { value: p, selected: p === current }, label(p))));
  return h("div", { class: "picker" }, h("label", { for: "period" }, "Period "), select);
}

function charts(data: Charts): HTMLElement[] {
  const out: HTMLElement[] = [];
  const a = data.analysis;
  if (a) {
    // Complete periods only: the running one would show a fall that is only the calendar.
    const complete = a.periods.slice(0, -1);
    const months = complete.map((p) => p.start);
    out.push(chartCard("Retention and churn", "Per complete period, in percent", "line", months, [
      { label: "Retention", data: complete.map((p) => p.retention_rate) },
      { label: "Churn", data: complete.map((p) => p.churn_rate) },
      { label: "Repeat purchase", data: complete.map((p) => p.repeat_purchase_rate) },
    ], { percentAxis: true }));
    out.push(chartCard("Active and new customers", "Customers with an order in each complete period, and first-time ones", "bar", months, [
      { label: "Returning", data: complete.map((p) => p.customers_end - p.new_customers), stack: "c" },
      { label: "New", data: complete.map((p) => p.new_customers), stack: "c" },
    ], { stacked: true }));
    const guests = data.non_members.slice(0, -1);
    if (guests.some((g) => g.orders.orders > 0)) {
      out.push(chartCard("Average order value", "Members against non-members, per complete period", "line", months, [
        { label: "Members", data: complete.map((p) => p.average_order_value) },
        { label: "Non-members", data: guests.map((g) => g.orders.average_order_value) },
      ]));
    }
  }
  if (data.points.length) {
    const starts = data.points.map((p) => p.start);
    out.push(chartCard("Points issued, redeemed, expired", "Per period, from every member's ledger", "line", starts, [
      { label: "Issued", data: data.points.map((p) => p.issued) },
      { label: "Redeemed", data: data.points.map((p) => p.redeemed) },
      { label: "Expired", data: data.points.map((p) => p.expired) },
      { label: "Reversed", data: data.points.map((p) => p.reversed) },
    ]));
    out.push(chartCard("Points liability", "Points outstanding (available + pending − debt) at each period's end", "line", starts, [
      { label: "Outstanding points", data: data.points.map((p) => p.outstanding) },
    ]));
  }
  if (data.satisfaction.length) {
    const rows = data.satisfaction.filter((s) => s.scores.nps_answers + s.scores.csat_answers + s.scores.ces_answers > 0);
    out.push(chartCard("NPS and CSAT", "NPS (−100 to 100) and CSAT (% of 4-5 answers) per period", "line", rows.map((s) => s.start), [
      { label: "NPS", data: rows.map((s) => s.scores.nps) },
      { label: "CSAT %", data: rows.map((s) => s.scores.csat) },
    ]));
  }
  if (data.clv_distribution) {
    const d = data.clv_distribution;
    const bins = d.counts.map((_, i) => (i === d.counts.length - 1 ? `≥ ${integer(i * d.bin_width)}` : `${integer(i * d.bin_width)}–${integer((i + 1) * d.bin_width)}`));
    out.push(chartCard("Predicted CLV", `Customers by predicted value over the horizon (${integer(d.customers)} customers)`, "bar", bins, [
      { label: "Customers", data: d.counts },
    ]));
  }
  if (a) {
    const c = a.revenue_concentration;
    out.push(chartCard("Revenue concentration", "Share of revenue of the top customers", "bar", ["Top 1 %", "Top 5 %", "Top 10 %", "Top 20 %"], [
      { label: "Share of revenue", data: [c.top_1_percent, c.top_5_percent, c.top_10_percent, c.top_20_percent] },
    ], { percentAxis: true, horizontal: true }));
  }
  const tiers = Object.entries(data.tiers);
  out.push(chartCard("Tiers", "Members by tier", "bar", tiers.map(([t]) => (t === "" ? "No tier" : label(t))), [
    { label: "Members", data: tiers.map(([, n]) => n) },
  ]));
  if (a) {
    const stages = Object.entries(a.lifecycle);
    out.push(chartCard("Lifecycle", "Customers by stage", "bar", stages.map(([s]) => label(s)), [
      { label: "Customers", data: stages.map(([, n]) => n) },
    ]));
    out.push(rfmGrid(a.rfm));
    out.push(cohortTable(a.cohorts));
  }
  return out;
}

function referralFunnel(kpis: Kpis): HTMLElement {
  const statuses = Object.entries(kpis.referrals.by_status);
  return chartCard("Referral funnel", "Members who joined with a referral, by where the referral stands", "bar",
    ["Referred", ...statuses.map(([s]) => label(s))],
    [{ label: "Members", data: [kpis.referrals.referred, ...statuses.map(([, n]) => n)] }], { horizontal: true });
}

export async function showOverview(view: View): Promise<void> {
  const period = view.params.get("period") ?? "month";
  document.title = "Fidelis · overview";
  fill(view.main, h("p", { class: "muted", role: "status" }, "Loading the shop's figures…"));
  const [kpis, chartData] = await Promise.all([
    call<Kpis>(view.credentials, `/v1/analytics/kpis?period=${period}`),
    call<Charts>(view.credentials, `/v1/analytics/charts?period=${period}`),
  ]);
  const cards = [
    ...programCards(kpis),
    ...periodCards(kpis.current, kpis.previous, kpis.currency),
    nonMemberCard(kpis),
    ...scoreCards(kpis.satisfaction?.current, kpis.satisfaction?.previous),
  ];
  const heading = kpis.current ? `${label(period)} starting ${kpis.current.start}, against the one before` : kpis.why_not ?? "Not enough history yet";
  fill(view.main,
    h("div", { class: "title-row" }, h("h1", null, "Overview"), periodPicker(period)),
    h("p", { class: "muted" }, `Shop ${kpis.shop}: ${heading}. The running period (since ${kpis.to_date?.start ?? "–"}) is not compared.`),
    h("section", { class: "kpis", "aria-label": "Key figures" }, ...cards.map(kpiCard)),
    h("h2", null, "Trends"),
    h("section", { class: "charts", "aria-label": "Charts" }, ...charts(chartData), referralFunnel(kpis)));
}
