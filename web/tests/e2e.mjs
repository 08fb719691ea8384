// End-to-end test of the dashboard and the widget (issue 7): a real `fidelis demo` on loopback,
// Debian's Chromium driven by playwright-core. Logs in (a wrong key first: a clear refusal),
// reads the KPI cards against the API, lists and opens a member, simulates the program, redeems a
// reward in the widget and sees the balance drop, switches the widget to French, checks a phone
// width, and saves a screenshot of every page into --out.
//
// node web/tests/e2e.mjs --fidelis build/bin/fidelis --out build/web-artifacts
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, word, i, all) => (word.startsWith("--") ? [...pairs, [word.slice(2), all[i + 1]]] : pairs), []),
);
const fidelis = args.fidelis ?? "build/bin/fidelis";
const out = args.out ?? "build/web-artifacts";
mkdirSync(out, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), "fidelis-e2e-"));

let failures = 0;
function check(condition, what) {
  if (condition) {
    console.log(`ok   ${what}`);
  } else {
    failures += 1;
    console.log(`FAIL ${what}`);
  }
}

// Starts the demo and resolves with its --json object once it listens.
function startDemo() {
  const child = spawn(fidelis, ["demo", "--members", "600", "--seed", "7", "--listen", "127.0.0.1:0", "--json", "--db", join(scratch, "demo.db")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      try {
        const ready = JSON.parse(line);
        if (ready.dashboard) resolve({ child, ready });
      } catch {
        // not the ready line
      }
    });
    child.on("exit", (code) => reject(new Error(`fidelis demo exited with ${code} before serving`)));
  });
}

async function api(ready, path, key = ready.admin_key, extra = {}) {
  const base = new URL(ready.dashboard).origin;
  const response = await fetch(base + path, { headers: { Authorization: `Bearer ${key}`, ...extra } });
  return response.json();
}

const { child, ready } = await startDemo();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "en-US" });
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(String(error)));

  // Log in: a wrong key is refused with the API's reason, then the admin key opens the overview.
  const started = Date.now();
  await page.goto(ready.dashboard);
  await page.fill("#key", "fk_0000000000000000000000000000000000000000");
  await page.click("button[type=submit]");
  await page.waitForSelector("#login-error:not(:empty)");
  const refusal = await page.textContent("#login-error");
  check(/unknown or revoked/.test(refusal ?? ""), `a wrong key says why: "${refusal}"`);
  await page.screenshot({ path: join(out, "login-refused.png") });
  await page.fill("#key", ready.admin_key);
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-kpi=retention_rate]");
  await page.waitForTimeout(300); // the charts draw on the next frame
  console.log(`     overview shown ${Date.now() - started} ms after the first load (incl. the wrong key)`);
  await page.screenshot({ path: join(out, "overview.png"), fullPage: true });
  // The README's picture (docs/images/dashboard.png): the cards and the first charts.
  await page.screenshot({ path: join(out, "overview-top.png"), clip: { x: 0, y: 0, width: 1366, height: 900 } });

  // KPI cards: the value behind each card is the API's, and its text shows it.
  const kpis = await api(ready, "/v1/analytics/kpis?period=month");
  const card = async (id) => ({
    value: await page.getAttribute(`[data-kpi=${id}] .value`, "data-value"),
    text: await page.textContent(`[data-kpi=${id}] .value`),
  });
  const expected = {
    members: kpis.program_periods.current.members,
    retention_rate: kpis.current.retention_rate,
    churn_rate: kpis.current.churn_rate,
    average_order_value: kpis.current.average_order_value,
    aov_non_members: kpis.non_members.current.average_order_value,
    redemption_rate: kpis.program_periods.current.redemption_rate,
    breakage_rate: kpis.program_periods.current.breakage_rate,
    referral_rate: kpis.program_periods.current.referral_rate,
    liability_points: kpis.program_periods.current.points.outstanding,
    nps: kpis.satisfaction.current.nps,
    clv_mean: kpis.clv_periods.current.mean,
    mission_completion: kpis.program_periods.current.missions.completion_rate,
  };
  for (const [id, value] of Object.entries(expected)) {
    const shown = await card(id);
    const number = shown.value === "" ? null : Number(shown.value);
    check(number === value, `KPI ${id}: card ${shown.value} = API ${value}`);
  }
  const members = await card("members");
  check(members.text === kpis.program_periods.current.members.toLocaleString("en-US"), `members card reads "${members.text}"`);
  check((await page.locator("[data-kpi=members] .delta").count()) === 1, "the members card compares with the previous period");
  // Every card of the demo compares with the previous period (the issue's "comparison to the
  // previous period"): a change, not "no previous period".
  const cards = await page.locator("[data-kpi]").count();
  const compared = await page.locator("[data-kpi] .delta:not(.muted)").count();
  check(cards >= 18 && compared === cards, `all ${cards} KPI cards compare with the previous period (${compared} do)`);
  // A rate's change reads in percentage points: the retention card's difference is the API's.
  const retentionDelta = (await page.textContent("[data-kpi=retention_rate] .delta")) ?? "";
  const points = (kpis.current.retention_rate - kpis.previous.retention_rate).toFixed(1);
  check(retentionDelta.includes(`${Number(points) > 0 ? "+" : ""}${points} pts`),
    `the retention card's change is in points: "${retentionDelta}" (API ${points})`);
  const retention = await card("retention_rate");
  check(retention.text === `${kpis.current.retention_rate.toFixed(1)} %`, `retention card reads "${retention.text}"`);
  check(kpis.non_members.current.orders > 0, `the demo has non-members' orders (${kpis.non_members.current.orders} last period)`);
  check((await page.locator("canvas").count()) >= 9, "the overview draws its charts");
  check((await page.locator("table.heatmap").count()) === 2, "cohort heatmap and RFM grid are there");

  // Every form control has a label (accessibility), and the keyboard reaches the navigation.
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll("input, select, textarea")].filter((e) => !e.labels?.length && !e.getAttribute("aria-label")).length);
  check(unlabelled === 0, `every control on the overview is labelled (${unlabelled} not)`);

  // Members: a segment's list matches the API's total; open the first member.
  await page.goto(`${ready.dashboard}#/members?segment=champions`);
  await page.waitForSelector("#members-total");
  const listed = await api(ready, "/v1/members?segment=champions&limit=1");
  const totalText = await page.textContent("#members-total");
  check(totalText === `${listed.total.toLocaleString("en-US")} members match`, `champions: "${totalText}" (API total ${listed.total})`);
  await page.screenshot({ path: join(out, "members.png"), fullPage: true });
  await page.goto(`${ready.dashboard}#/members?q=${encodeURIComponent(ready.example_member ?? "")}`);
  await page.waitForSelector("table.list tbody a");
  await page.click("table.list tbody a");
  await page.waitForSelector("#member-available");
  const memberId = decodeURIComponent(page.url().split("#/member/")[1]);
  const state = await api(ready, `/v1/members/${encodeURIComponent(memberId)}`);
  check((await page.textContent("#member-available")) === `${state.points.available.toLocaleString("en-US")} pts`,
    `member ${memberId} page shows ${state.points.available} available`);
  check((await page.locator("table.ledger tbody tr").count()) > 0, "the member's ledger lines are listed with reasons");
  // Consents and recent tickets come from the member state: as many rows as the API holds.
  check((await page.locator("#member-consents tbody tr").count()) === state.consents.length && state.consents.length > 0,
    `the member's ${state.consents.length} consents are listed`);
  check((await page.locator("#member-tickets li").count()) === state.tickets.recent.length,
    `the agent view lists the member's ${state.tickets.recent.length} recent tickets`);
  await page.screenshot({ path: join(out, "member.png"), fullPage: true });

  // Program: the rules page, versions, a simulation of the live program as a draft.
  await page.goto(`${ready.dashboard}#/program`);
  await page.waitForSelector("#draft");
  await page.click("form button[type=submit]");
  await page.waitForSelector("#simulation", { timeout: 60_000 });
  check((await page.textContent("#simulation-result"))?.includes("events replayed"), "the simulation reports live against draft");
  await page.screenshot({ path: join(out, "program.png"), fullPage: true });

  // The widget: redeem the first reward the member can afford; the balance drops by its price.
  const widget = await context.newPage();
  widget.on("pageerror", (error) => pageErrors.push(String(error)));
  await widget.goto(ready.widget);
  await widget.waitForSelector("#available");
  const example = ready.example_member;
  const before = (await api(ready, `/v1/members/${encodeURIComponent(example)}`)).points.available;
  check((await widget.textContent("#available")) === before.toLocaleString("en-US"), `widget shows ${before} available`);
  const rewards = (await api(ready, `/v1/members/${encodeURIComponent(example)}/rewards`)).rewards;
  const affordable = rewards.find((r) => r.eligible && r.points);
  check(affordable !== undefined, "the example member can afford a reward");
  if (affordable) {
    await widget.screenshot({ path: join(out, "widget.png"), fullPage: true });
    await widget.click(`button[data-reward="${affordable.id}"]`);
    await widget.waitForSelector("#code strong");
    const code = await widget.textContent("#code strong");
    check(/^Your code: [A-Z0-9-]{15}$/.test(code ?? ""), `the widget shows the code: "${code}"`);
    const after = (await api(ready, `/v1/members/${encodeURIComponent(example)}`)).points.available;
    check(after === before - affordable.points, `balance ${before} → ${after} (reward ${affordable.points} pts)`);
    check((await widget.textContent("#available")) === after.toLocaleString("en-US"), "the widget shows the new balance");
    await widget.screenshot({ path: join(out, "widget-redeemed.png"), fullPage: true });
  }
  await widget.goto(ready.widget.replace("#", "#lang=fr&"));
  await widget.reload();
  await widget.waitForSelector("#available");
  check((await widget.textContent("h1")) === "Vos points fidélité", "the widget speaks French");
  await widget.screenshot({ path: join(out, "widget-fr.png"), fullPage: true });
  // A bad member token: the widget says why instead of showing another member.
  await widget.goto(ready.widget.replace(/token=[^&]+/, "token=mt_00.1.00"));
  await widget.reload();
  await widget.waitForSelector(".error");
  check(/X-Member-Token/.test((await widget.textContent(".error")) ?? ""), "a bad member token is refused clearly");

  // A phone: the overview fits its width.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, locale: "en-US" });
  const small = await phone.newPage();
  await small.goto(ready.dashboard);
  await small.fill("#key", ready.admin_key);
  await small.click("button[type=submit]");
  await small.waitForSelector("[data-kpi=members]");
  await small.waitForTimeout(300);
  const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `the overview fits a phone's width (overflow ${overflow} px)`);
  await small.screenshot({ path: join(out, "overview-phone.png"), fullPage: true });
  check(pageErrors.length === 0, `no script error in the pages (${pageErrors.join("; ")})`);
} finally {
  await browser.close();
  child.kill("SIGTERM");
  const code = await new Promise((resolve) => child.on("exit", (c) => resolve(c)));
  check(code === 0, `fidelis demo stops cleanly on SIGTERM (exit ${code})`);
  rmSync(scratch, { recursive: true, force: true });
}
console.log(failures ? `${failures} check(s) failed; screenshots in ${out}` : `all checks passed; screenshots in ${out}`);
process.exit(failures ? 1 : 0);
