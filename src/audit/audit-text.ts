/**
 * Text as an audit column can always store it. Values in an audit row may
 * come from the request (a path parameter, a client's request id, an
 * address), and an audit insert that fails loses the record of what was
 * tried: NUL, lone UTF-16 surrogates (not Unicode; PostgreSQL refuses both)
 * and other control characters become U+FFFD, and the text is cut to `max`
 * characters, without splitting a surrogate pair.
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storableText(value: string, max: number): string;
export function storableText(value: string | null | undefined, max: number): string | null;
export function storableText(value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined) return null;
  let text = value.replace(UNSAFE, '\uFFFD');
  if (text.length > max) {
    let end = max - 1;
    // Do not leave the high half of a pair at the end.
    if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
    text = `${text.slice(0, end)}…`;
  }
  return text;
}

/** Bounds of the audit row's text columns. */
export const AUDIT_TEXT_MAX = {
  action: 100,
  entityType: 100,
  entityId: 200,
  reason: 200,
  role: 50,
  requestId: 64,
  clientRequestId: 128,
  ip: 64,
  route: 300,
} as const;
