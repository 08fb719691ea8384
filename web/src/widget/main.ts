// The member widget a shop embeds (an iframe or a link): balance and pending points, tier and
// what remains to the next, next expiry, missions, rewards with a redeem button that shows the
// code, the referral link, and the history with every line's reason. It speaks to the API with the
// shop's storefront key and the member's token (from the fragment: it never reaches a log).
import { ApiError, call, newIdempotencyKey, type Credentials } from "../shared/api";
import { fill, h } from "../shared/dom";
import { date, integer, money, setLocale } from "../shared/format";
import { words, type Words } from "./i18n";
import type { Mission, Reward } from "../shared/types";

interface Measure {
  spend?: string;
  currency?: string;
  points?: number;
  orders?: number;
  value_score?: number;
}
interface Member {
  member: string;
  points: { available: number; pending: number; debt: number };
  tier: {
    name: string | null;
    next: { name: string; remaining: Measure } | null;
    keep?: { at: string; remaining: Measure };
  } | null;
  next_expiry: { points: number; at: string } | null;
}
interface Line {
  seq: number;
  at: string;
  points: number;
  credit?: number;
  reason: string;
}

const kKeyStorage = "fidelis.storefront-key";
const root = document.getElementById("widget") as HTMLElement;
const fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
const member = fragment.get("member") ?? "";
const token = fragment.get("token") ?? "";
let language = fragment.get("lang") ?? (navigator.language.startsWith("fr") ? "fr" : "en");

function measureText(m: Measure, t: Words): string {
  if (m.spend !== undefined) return money(m.spend, m.currency ?? null);
  if (m.points !== undefined) return `${integer(m.points)} ${t.points}`;
  if (m.orders !== undefined) return t.orders(integer(m.orders));
  return integer(m.value_score ?? 0);
}

function isZero(m: Measure): boolean {
  return Number(m.spend ?? m.points ?? m.orders ?? m.value_score ?? 0) === 0;
}

function keyForm(t: Words): void {
  const input = h("input", { id: "storefront-key", type: "password", required: true });
  const form = h("form", { class: "card" }, h("p", null, t.needKey), h("label", { for: "storefront-key" }, t.key), input, h("button", { type: "submit" }, t.open));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    localStorage.setItem(kKeyStorage, input.value.trim());
    void render();
  });
  fill(root, form);
}

async function render(): Promise<void> {
  const t = words(language);
  setLocale(language);
  document.documentElement.lang = language.startsWith("fr") ? "fr" : "en";
  document.title = t.title;
  // A key in the link wins, and is remembered for links without one (the dashboard's).
  const key = fragment.get("key") ?? localStorage.getItem(kKeyStorage) ?? "";
  if (fragment.get("key")) localStorage.setItem(kKeyStorage, key);
  if (!key || !member || !token) return keyForm(t);
  const credentials: Credentials = { key, memberToken: token };
  const path = `/v1/members/${encodeURIComponent(member)}`;
  let state: Member, rewards: { rewards: Reward[] }, missions: { missions: Mission[] },
    referral: { code: string } | null, ledger: { lines: Line[] };
  try {
    [state, rewards, missions, referral, ledger] = await Promise.all([
      call<Member>(credentials, path),
      call<{ rewards: Reward[] }>(credentials, `${path}/rewards`),
      call<{ missions: Mission[] }>(credentials, `${path}/missions`),
      call<{ code: string } | null>(credentials, `${path}/referral`),
      call<{ lines: Line[] }>(credentials, `${path}/ledger?limit=1000`),
    ]);
  } catch (failure) {
    fill(root, h("p", { class: "error", role: "alert" }, failure instanceof ApiError ? failure.message : String(failure)));
    return;
  }
  const codeOut = h("p", { role: "status", id: "code", class: "code" });
  const redeem = async (reward: Reward, button: HTMLButtonElement) => {
    button.disabled = true;
    button.textContent = t.redeeming;
    try {
      const answer = await call<{ redemption: { code: string } }>(credentials, `${path}/redemptions`, {
        method: "POST",
        body: { reward: reward.id },
        idempotencyKey: newIdempotencyKey(),
      });
      await render();
      fill(document.getElementById("code") as HTMLElement, h("strong", null, t.yourCode(answer.redemption.code)), h("br"), h("span", { class: "small" }, t.codeHelp));
    } catch (failure) {
      button.disabled = false;
      button.textContent = t.redeem;
      fill(codeOut, h("span", { class: "error" }, failure instanceof ApiError ? failure.message : String(failure)));
    }
  };
  const tier = state.tier;
  const referralLink = referral ? `${location.origin}/?ref=${encodeURIComponent(referral.code)}` : null;
  fill(root,
    h("header", { class: "widget-head" }, h("h1", null, t.title),
      h("button", { type: "button", class: "link", onclick: () => { language = language.startsWith("fr") ? "en" : "fr"; void render(); } }, t.language)),
    h("section", { class: "balance card", "aria-label": t.available },
      h("p", null, h("span", { class: "big", id: "available" }, integer(state.points.available)), ` ${t.points} · ${t.available}`),
      h("p", { class: "muted" }, `${integer(state.points.pending)} ${t.pending.toLowerCase()} (${t.pendingNote})`),
      h("p", { class: "muted" }, state.next_expiry ? t.nextExpiry(integer(state.next_expiry.points), date(state.next_expiry.at)) : t.noExpiry)),
    h("section", { class: "card", "aria-label": t.tier }, h("h2", null, t.tier),
      h("p", null, tier?.name ?? t.noTier),
      tier?.next ? h("p", { class: "muted" }, t.toNext(measureText(tier.next.remaining, t), tier.next.name)) : null,
      tier?.keep && !isZero(tier.keep.remaining) ? h("p", { class: "muted" }, t.toKeep(measureText(tier.keep.remaining, t), date(tier.keep.at))) : null),
    missions.missions.length ? h("section", { class: "card", "aria-label": t.missions }, h("h2", null, t.missions),
      h("ul", { class: "plain" }, ...missions.missions.map((m) =>
        h("li", null, h("progress", { max: m.target, value: Math.min(m.count, m.target), "aria-label": m.terms }), ` ${m.count}/${m.target} · ${m.terms}`)))) : null,
    h("section", { class: "card", "aria-label": t.rewards }, h("h2", null, t.rewards), codeOut,
      h("ul", { class: "plain rewards" }, ...rewards.rewards.map((r) => {
        const button = h("button", { type: "button", "data-reward": r.id, disabled: !r.eligible }, t.redeem);
        button.addEventListener("click", () => void redeem(r, button));
        return h("li", null, h("strong", null, r.name), ` · ${r.points !== undefined ? `${integer(r.points)} ${t.points}` : t.storeCredit} `, button,
          h("br"), h("span", { class: "small muted" }, r.eligible ? r.terms : r.why_not ?? t.missing(integer(r.points_missing))));
      }))),
    referralLink ? h("section", { class: "card", "aria-label": t.referral }, h("h2", null, t.referral), h("p", null, t.referralHelp), h("code", null, referralLink)) : null,
    h("section", { class: "card", "aria-label": t.history }, h("h2", null, t.history), h("p", { class: "muted small" }, t.historyHelp),
      h("ul", { class: "plain history" }, ...ledger.lines.slice(-20).reverse().map((line) =>
        h("li", null, line.points === 0 && line.credit
          ? h("span", { class: "muted" }, t.storeCredit)
          : h("span", { class: line.points < 0 ? "minus" : "plus" }, `${line.points > 0 ? "+" : ""}${integer(line.points)}`),
          ` ${date(line.at)} · ${line.reason}`)))));
}

void render();
