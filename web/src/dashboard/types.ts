// The shapes of the API answers the dashboard reads (docs/reference/http.md).
import type { PointTotals } from "../shared/types";
export interface PeriodRow {
  start: string;
  end: string;
  customers_start: number;
  customers_end: number;
  new_customers: number;
  retention_rate: number | null;
  churn_rate: number | null;
  repeat_purchase_rate: number | null;
  purchase_frequency: number | null;
  average_order_value: number | null;
  orders: number;
  revenue: number;
}

export interface Scores {
  nps: number | null;
  nps_answers: number;
  csat: number | null;
  csat_answers: number;
  ces: number | null;
  ces_answers: number;
}

// Orders of customers outside the program in one period.
export interface GuestOrders {
  orders: number;
  revenue: number;
  average_order_value: number | null;
}

// The program's figures of one period (members at its end, points moved in it).
export interface ProgramPeriod {
  members: number;
  joined: number;
  referred: number;
  referral_rate: number | null;
  points: { issued: number; redeemed: number; expired: number; reversed: number; outstanding: number };
  redemption_rate: number | null;
  breakage_rate: number | null;
  missions: MissionPeriod | null;
}

// Missions (member × mission) started and completed in a period, and up to its end.
export interface MissionPeriod {
  started: number;
  completed: number;
  started_to_end: number;
  completed_to_end: number;
  completion_rate: number | null;
}

export interface Clv {
  fitted: boolean;
  mean?: number;
  median?: number;
  total?: number;
  horizon_months?: number;
  top_10_percent_share?: number;
  why_not?: string;
}

export interface Kpis {
  shop: string;
  period: string;
  members: number;
  points: PointTotals & {
    outstanding: number;
    redemption_rate: number | null;
    breakage_rate: number | null;
    liability: { amount: string; currency: string } | null;
  };
  referrals: { referred: number; referral_rate: number | null; by_status: Record<string, number> };
  missions: { started: number; completed: number; completion_rate: number | null } | null;
  satisfaction: { current: Scores | null; previous: Scores | null; to_date: Scores | null } | null;
  non_members: { current: GuestOrders | null; previous: GuestOrders | null; to_date: GuestOrders | null } | null;
  program_periods: { current: ProgramPeriod | null; previous: ProgramPeriod | null; to_date: ProgramPeriod | null } | null;
  currency: string | null;
  customers: number;
  repeat_purchase_rate: number | null;
  current: PeriodRow | null;
  previous: PeriodRow | null;
  to_date: PeriodRow | null;
  clv: Clv | null;
  // The same forecast made at the end of the last complete period and of the one before.
  clv_periods: { current: Clv | null; previous: Clv | null } | null;
  why_not?: string;
}

export interface Charts {
  members: number;
  tiers: Record<string, number>;
  analysis: {
    periods: PeriodRow[];
    cohorts: { month: string; size: number; retention: (number | null)[] }[];
    rfm: { as_of: string; segments: Record<string, number>; grid: number[][] };
    revenue_concentration: Record<string, number>;
    lifecycle: Record<string, number>;
    dataset: { currency: string; orders: number; customers: number };
  } | null;
  clv_distribution: { bin_width: number; counts: number[]; customers: number } | null;
  points: {
    start: string;
    issued: number;
    redeemed: number;
    expired: number;
    reversed: number;
    outstanding: number;
  }[];
  satisfaction: { start: string; scores: Scores }[];
  non_members: { start: string; orders: GuestOrders }[];
  why_not?: string;
}

export interface DirectoryEntry {
  member: string;
  points: { available: number; pending: number; debt: number };
  tier: string | null;
  segments: string[];
  rfm_segment: string | null;
  lifecycle: string | null;
  clv: number | null;
  p_alive: number | null;
}

export interface Directory {
  members: DirectoryEntry[];
  total: number;
  next_cursor: string | null;
  as_of: string;
}

export interface MemberState {
  member: string;
  points: PointTotals;
  tier: { id: string; name?: string; since: string; review_at?: string; next?: unknown } | null;
  next_expiry: { points: number; at: string } | null;
  badges: { id: string; at: string; source: string }[];
  codes: { code: string; reward: string; status: string; expires_at?: string }[];
  referral: unknown;
  membership: unknown;
  consents: { topic: string; granted: boolean; at: string }[];
  tickets: { opened: number; recent: { ticket_id: string; topic: string; at: string }[] };
  first_seen_at: string;
  as_of: string;
  [other: string]: unknown;
}

export interface LedgerLine {
  seq: number;
  at: string;
  kind: string;
  points: number;
  credit?: number;
  rule: string;
  event: string;
  reason: string;
  order_id?: string;
  balance: { available: number; pending: number; debt: number };
}

export interface Ledger {
  lines: LedgerLine[];
  next_after: number | null;
}
