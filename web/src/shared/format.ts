// Numbers as people read them, in the page's language.
let locale = "en";

export function setLocale(language: string): void {
  locale = language;
}

export function integer(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : Math.round(value).toLocaleString(locale);
}

export function decimal(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return value.toLocaleString(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function percent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined ? "–" : `${decimal(value, digits)} %`;
}

// An exact decimal string from the API ("1234.50") with its currency, grouped for reading.
export function money(amount: string | number | null | undefined, currency: string | null): string {
  if (amount === null || amount === undefined) return "–";
  const value = typeof amount === "number" ? amount : Number(amount);
  if (!Number.isFinite(value)) return String(amount);
  const text = value.toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return currency ? `${text} ${currency}` : text;
}

export function date(text: string | null | undefined): string {
  if (!text) return "–";
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? text : at.toLocaleDateString(locale, { dateStyle: "medium" });
}

export function dateTime(text: string | null | undefined): string {
  if (!text) return "–";
  const at = new Date(text);
  return Number.isNaN(at.getTime())
    ? text
    : at.toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
}

// "champions" -> "Champions", "need_attention" -> "Need attention".
export function label(id: string): string {
  const text = id.replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
