/** Start of the UTC calendar month containing `unixSeconds`, in Unix seconds. */
export function monthStart(unixSeconds: number): number {
  const d = new Date(unixSeconds * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
}

/** The UTC calendar month containing `unixSeconds` as `YYYY-MM`. */
export function monthKey(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
