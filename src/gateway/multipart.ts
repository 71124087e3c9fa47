/**
 * Reading and replacing one text field of a multipart/form-data body without parsing the rest
 * (file parts are passed on to the upstream byte for byte).
 */
export interface FieldSpan {
  value: string;
  /** Byte offsets of the value in the body. */
  start: number;
  end: number;
}

export function boundaryOf(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return null;
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : null;
}

/** The first part named `name` (not a file), or null. */
export function multipartField(body: Buffer, boundary: string, name: string): FieldSpan | null {
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const headersStart = at + delimiter.length + 2; // past CRLF
    const headersEnd = body.indexOf('\r\n\r\n', headersStart);
    if (headersEnd < 0) return null;
    const next = body.indexOf(delimiter, headersEnd + 4);
    if (next < 0) return null;
    const headers = body.toString('latin1', headersStart, headersEnd);
    const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
    const partName = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (partName === name && !/\bfilename=/i.test(disposition)) {
      const start = headersEnd + 4;
      const end = next - 2; // the CRLF before the delimiter
      return { value: body.toString('utf8', start, end), start, end };
    }
    at = next;
  }
  return null;
}

/** The body with a field's value replaced. */
export function replaceField(body: Buffer, span: FieldSpan, value: string): Buffer {
  return Buffer.concat([body.subarray(0, span.start), Buffer.from(value, 'utf8'), body.subarray(span.end)]);
}
