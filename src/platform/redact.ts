/** A URL with its password hidden (for printing configuration). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = 'REDACTED';
    return parsed.toString();
  } catch {
    return 'REDACTED (not a URL)';
  }
}
