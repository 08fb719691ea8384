// API shapes both pages read (docs/reference/http.md).

// GET /v1/members/{id}/rewards: one reward of the catalogue in force, for this member.
export interface Reward {
  id: string;
  name: string;
  points?: number;
  credit_cost?: number;
  eligible: boolean;
  why_not?: string;
  points_missing: number;
  terms: string;
}

// GET /v1/members/{id}/missions: one mission and the member's progress.
export interface Mission {
  id: string;
  target: number;
  count: number;
  completed: number;
  terms: string;
}

// A member's points totals (GET /v1/members/{id}; the KPIs sum them over the shop).
export interface PointTotals {
  available: number;
  pending: number;
  debt: number;
  earned: number;
  spent: number;
  expired: number;
  reversed: number;
}
