// Charts (Chart.js, decision 0018) and the two tables that read better than a chart (cohort
// heatmap, RFM grid). Every canvas has a text alternative naming what it shows.
import * as ChartJs from "chart.js";
import type { ChartDataset } from "chart.js";
import { h } from "../shared/dom";
import { integer, label, percent } from "../shared/format";

const { Chart } = ChartJs;
// Only what the overview draws is registered (and bundled).
Chart.register(ChartJs.BarController, ChartJs.BarElement, ChartJs.CategoryScale, ChartJs.Filler,
  ChartJs.Legend, ChartJs.LinearScale, ChartJs.LineController, ChartJs.LineElement,
  ChartJs.PointElement, ChartJs.Tooltip);
Chart.defaults.font.family = "system-ui, sans-serif";
Chart.defaults.color = "#334";
Chart.defaults.animation = false; // figures appear at once (and screenshots are stable)

// Colour-blind-safe palette (Okabe-Ito).
export const kColours = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"];

type Series = { label: string; data: (number | null)[]; type?: "line" | "bar"; stack?: string };

export function chartCard(
  title: string,
  description: string,
  kind: "line" | "bar",
  labels: string[],
  series: Series[],
  options: { stacked?: boolean; percentAxis?: boolean; horizontal?: boolean } = {},
): HTMLElement {
  const canvas = h("canvas", { role: "img", "aria-label": `${title}: ${description}` });
  const card = h("figure", { class: "card chart" }, h("figcaption", null, h("h3", null, title), h("p", { class: "muted" }, description)), h("div", { class: "canvas" }, canvas));
  const datasets = series.map((s, i): ChartDataset<"bar" | "line", (number | null)[]> => ({
    label: s.label,
    data: s.data,
    type: s.type ?? kind,
    stack: s.stack,
    backgroundColor: kColours[i % kColours.length],
    borderColor: kColours[i % kColours.length],
    borderWidth: (s.type ?? kind) === "line" ? 2 : 0,
    pointRadius: 0,
    spanGaps: true,
  }));
  // Drawn once the card is in the page (Chart.js measures its parent).
  requestAnimationFrame(() => {
    new Chart(canvas, {
      type: kind,
      data: { labels, datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: options.horizontal ? "y" : "x",
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { display: series.length > 1, position: "bottom" } },
        scales: {
          // The value axis is y, or x when the bars are horizontal.
          [options.horizontal ? "y" : "x"]: { stacked: options.stacked, grid: { display: false } },
          [options.horizontal ? "x" : "y"]: {
            stacked: options.stacked,
            beginAtZero: true,
            ticks: options.percentAxis ? { callback: (value: string | number) => `${value} %` } : {},
          },
        },
      },
    });
  });
  return card;
}

// Cohorts by month of first order, the share still ordering k months later, as a heatmap table.
export function cohortTable(cohorts: { month: string; size: number; retention: (number | null)[] }[]): HTMLElement {
  const months = Math.max(0, ...cohorts.map((c) => c.retention.length));
  const shown = Math.min(months, 13);
  const head = h("tr", null, h("th", { scope: "col" }, "First order"), h("th", { scope: "col" }, "Customers"),
    ...Array.from({ length: shown }, (_, k) => h("th", { scope: "col" }, k === 0 ? "M0" : `M+${k}`)));
  const rows = cohorts.map((cohort) =>
    h("tr", null, h("th", { scope: "row" }, cohort.month), h("td", null, integer(cohort.size)),
      ...Array.from({ length: shown }, (_, k) => {
        const value = cohort.retention[k];
        if (value === undefined || value === null) return h("td", { class: "empty" });
        // Darker is more retained; text turns white on dark cells for contrast.
        const strength = Math.min(1, value / 100);
        return h("td", {
          class: strength > 0.55 ? "heat dark" : "heat",
          style: `background: rgba(0, 114, 178, ${0.08 + 0.92 * strength})`,
        }, percent(value, 0));
      })));
  return h("figure", { class: "card wide" },
    h("figcaption", null, h("h3", null, "Cohort retention"),
      h("p", { class: "muted" }, "Share of each month's new customers who ordered again k months later")),
    h("div", { class: "scroll" }, h("table", { class: "heatmap" }, h("thead", null, head), h("tbody", null, ...rows))));
}

// Customers by recency score (rows, 5 = most recent) and frequency score (columns).
export function rfmGrid(rfm: { grid: number[][]; segments: Record<string, number>; as_of: string }): HTMLElement {
  const max = Math.max(1, ...rfm.grid.flat());
  const rows = [4, 3, 2, 1, 0].map((r) =>
    h("tr", null, h("th", { scope: "row" }, `R${r + 1}`),
      ...[0, 1, 2, 3, 4].map((f) => {
        const count = rfm.grid[r]?.[f] ?? 0;
        const strength = count / max;
        return h("td", {
          class: strength > 0.55 ? "heat dark" : "heat",
          style: `background: rgba(0, 158, 115, ${0.08 + 0.92 * strength})`,
        }, integer(count));
      })));
  const segments = Object.entries(rfm.segments).sort((a, b) => b[1] - a[1]);
  return h("figure", { class: "card" },
    h("figcaption", null, h("h3", null, "RFM grid"),
      h("p", { class: "muted" }, `Customers by recency (R5 = most recent) and frequency (F5 = most orders), as of ${rfm.as_of}`)),
    h("table", { class: "heatmap rfm" },
      h("thead", null, h("tr", null, h("th"), ...[1, 2, 3, 4, 5].map((f) => h("th", { scope: "col" }, `F${f}`)))),
      h("tbody", null, ...rows)),
    h("ul", { class: "segments" }, ...segments.map(([name, count]) =>
      h("li", null, h("a", { href: `#/members?segment=${encodeURIComponent(name)}` }, label(name)), ` ${integer(count)}`))));
}
