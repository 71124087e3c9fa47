import type { ModelCatalog, ModelPrices } from '../catalog/index.js';
import type { Counter, UsageKind } from './kinds.js';

export type Counters = Record<Counter, number>;

/**
 * One line a record of a tuple may be billed on. `unit` '' = no single unit (shown as null).
 * A record is billed on the line when its quantity is above 0.
 */
export interface LinePlan {
  line_item: string;
  unit: string;
  /** The line's quantity from a record's counters (only the counters of the tuple's kind are read). */
  quantity(c: Counters): number;
  /** USD for that quantity. */
  amount(quantity: number, c: Counters): number;
}

/** What decides a tuple's prices: its kind and the dimensions that prices depend on. */
export interface PricedTuple {
  kind: UsageKind;
  model: string;
  batch: boolean;
  size: string;
}

const GIB = 1024 ** 3;
const NO_PRICES: ModelPrices = {};

/**
 * Whether the catalog prices a tuple's usage: its model is in the catalog (or, for tool usage, the
 * tool has a price). Usage it does not price is stored at $0 and counted as unpriced, until
 * `orgplane usage reprice` prices it from a catalog that knows it.
 */
export function isPriced(t: PricedTuple, catalog: ModelCatalog): boolean {
  const tools = catalog.tools;
  switch (t.kind) {
    case 'vector_stores':
      return tools.vector_store_per_gb_day !== undefined;
    case 'code_interpreter_sessions':
      return tools.code_interpreter_session !== undefined;
    case 'file_search_calls':
      return tools.file_search_per_1k_calls !== undefined;
    case 'web_search_calls':
      return tools.web_search_per_1k_calls !== undefined;
    default:
      return catalog.get(t.model) !== undefined;
  }
}

/**
 * The lines every record of a tuple is billed on, priced with the catalog as it is now. Costs are
 * stored with the usage, so a later price change never rewrites them. Usage without a catalog
 * price costs 0.
 */
export function pricePlan(t: PricedTuple, catalog: ModelCatalog): LinePlan[] {
  const tools = catalog.tools;
  const prices = catalog.get(t.model)?.prices ?? NO_PRICES;
  const line = (line_item: string, unit: string, quantity: LinePlan['quantity'], amount: LinePlan['amount']): LinePlan => ({ line_item, unit, quantity, amount });
  /** A token line: `perMillion` USD per million tokens, times the batch discount. */
  const tokens = (name: string, quantity: LinePlan['quantity'], perMillion: number | undefined, discount: number) => {
    const price = perMillion ?? 0;
    return line(name, 'tokens', quantity, (q) => (q * price * discount) / 1e6);
  };
  switch (t.kind) {
    case 'completions': {
      const discount = t.batch ? (prices.batch_discount ?? 1) : 1;
      const prefix = `${t.model}, ${t.batch ? 'batch ' : ''}`;
      return [
        // Text input (uncached, and cache writes priced as input).
        tokens(`${prefix}input`, (c) => c.input_tokens - c.input_cached_tokens - c.input_audio_tokens - c.input_image_tokens, prices.input, discount),
        tokens(`${prefix}cached input`, (c) => c.input_cached_tokens, prices.cached_input ?? prices.input, discount),
        tokens(`${prefix}audio input`, (c) => c.input_audio_tokens, prices.audio_input ?? prices.input, discount),
        tokens(`${prefix}image input`, (c) => c.input_image_tokens, prices.image_input ?? prices.input, discount),
        tokens(`${prefix}output`, (c) => c.output_tokens - c.output_audio_tokens - c.output_image_tokens, prices.output, discount),
        tokens(`${prefix}audio output`, (c) => c.output_audio_tokens, prices.audio_output ?? prices.output, discount),
        tokens(`${prefix}image output`, (c) => c.output_image_tokens, prices.image_output ?? prices.output, discount),
      ];
    }
    case 'embeddings':
    case 'moderations':
      return [tokens(`${t.model}, input`, (c) => c.input_tokens, prices.input, 1)];
    case 'images': {
      const perImage = prices.per_image?.[t.size] ?? prices.per_image?.default ?? 0;
      return [line(`${t.model}, images`, 'images', (c) => c.images, (q) => q * perImage)];
    }
    case 'audio_speeches': {
      const perMillion = prices.per_1m_characters ?? 0;
      return [line(`${t.model}, characters`, 'characters', (c) => c.characters, (q) => (q * perMillion) / 1e6)];
    }
    case 'audio_transcriptions': {
      const perMinute = prices.per_minute ?? 0;
      return [line(`${t.model}, transcription`, 'duration_seconds', (c) => c.seconds, (q) => (q / 60) * perMinute)];
    }
    case 'vector_stores': {
      // A record reports the bytes a store held for one day.
      const perGbDay = tools.vector_store_per_gb_day ?? 0;
      return [line('vector store storage', 'gibibyte_hours', (c) => (c.usage_bytes / GIB) * 24, (_, c) => (c.usage_bytes / GIB) * perGbDay)];
    }
    case 'code_interpreter_sessions': {
      const perSession = tools.code_interpreter_session ?? 0;
      return [line('code interpreter sessions', '', (c) => c.num_sessions, (q) => q * perSession)];
    }
    case 'file_search_calls': {
      const perThousand = tools.file_search_per_1k_calls ?? 0;
      return [line('file search tool calls', '', (c) => c.num_requests, (q) => (q / 1000) * perThousand)];
    }
    case 'web_search_calls': {
      const perThousand = tools.web_search_per_1k_calls ?? 0;
      return [line('web search tool calls', '', (c) => c.num_requests, (q) => (q / 1000) * perThousand)];
    }
  }
}
