import { StringDecoder } from 'node:string_decoder';
import { completionUsage, responsesUsage, type TrafficUsage } from './traffic-usage.js';

export type StreamKind = 'chat' | 'completions' | 'responses';

/**
 * Relays a server-sent-events stream event by event (each complete event is handed on as soon as
 * it has arrived; nothing else is held back) while reading what the gateway needs from it: the
 * usage report, the text produced so far (for an estimate if the stream is cut off) and, for
 * Responses, the response ID. When orgplane asked for usage on the client's behalf (`strip`), the
 * extra usage chunk and the `"usage":null` fields it brings are removed: the client sees exactly
 * the stream it asked for.
 */
export class SseRelay {
  usage: TrafficUsage | null = null;
  text = '';
  responseId: string | null = null;
  private pending = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly kind: StreamKind,
    private readonly strip: boolean,
  ) {}

  /** What to send the client for this chunk from the upstream ('' when no event is complete yet). */
  push(chunk: Buffer): string {
    this.pending += this.decoder.write(chunk);
    let end = this.pending.indexOf('\n\n');
    if (end < 0) return '';
    let out = '';
    let start = 0;
    while (end >= 0) {
      out += this.event(this.pending.slice(start, end + 2));
      start = end + 2;
      end = this.pending.indexOf('\n\n', start);
    }
    this.pending = this.pending.slice(start);
    return out;
  }

  /** Whatever is left at the end (an unterminated last event is passed on as it is). */
  end(): string {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return rest;
  }

  private event(text: string): string {
    const at = text.indexOf('data: ');
    if (at < 0) return text;
    const data = text.slice(at + 6, text.indexOf('\n', at));
    if (data === '[DONE]') return text;
    let obj: any;
    try {
      obj = JSON.parse(data);
    } catch {
      return text;
    }
    if (this.kind === 'responses') {
      const type = obj?.type;
      if (type === 'response.output_text.delta' && typeof obj.delta === 'string') this.text += obj.delta;
      else if (type === 'response.created' && typeof obj.response?.id === 'string') this.responseId = obj.response.id;
      else if ((type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') && obj.response?.usage) {
        this.usage = responsesUsage(obj.response.usage, obj.response.service_tier);
      }
      return text;
    }
    const choices = obj?.choices;
    if (Array.isArray(choices)) {
      for (const c of choices) {
        const piece = this.kind === 'chat' ? c?.delta?.content : c?.text;
        if (typeof piece === 'string') this.text += piece;
      }
    }
    if (obj?.usage) {
      this.usage = completionUsage(obj.usage, obj.service_tier);
      if (this.strip && Array.isArray(choices) && choices.length === 0) return '';
    }
    return this.strip ? text.replace(',"usage":null', '') : text;
  }
}
