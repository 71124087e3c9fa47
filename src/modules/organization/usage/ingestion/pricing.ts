import type { ModelCatalog, ModelPrices } from '../../../../catalog/index.js';
import { completionsBreakdown, type Counter } from '../kinds.js';
import type { IngestRecord } from '../schemas.js';

/** One priced line of a record's cost. `unit` '' = no single unit (shown as null). */
export interface LineItem {
  line_item: string;
  unit: string;
  quantity: number;
  /** USD. */
  amount: number;
}

const GIB = 1024 ** 3;

/**
 * Prices a record with the catalog as it is now. Costs are stored with the usage, so a later
 * price change never rewrites them. Usage without a catalog price costs 0.
 */
export function priceRecord(r: IngestRecord, c: Record<Counter, number>, catalog: ModelCatalog): LineItem[] {
  const items: LineItem[] = [];
  const tools = catalog.tools;
  switch (r.kind) {
    case 'completions': {
      const p = catalog.get(r.model!)?.prices ?? NO_PRICES;
      const discount = r.batch ? (p.batch_discount ?? 1) : 1;
      const prefix = `${r.model}, ${r.batch ? 'batch ' : ''}`;
      const b = completionsBreakdown(c);
      tokens(items, prefix + 'input', b.input_text_tokens + c.input_cache_write_tokens, p.input, discount);
      tokens(items, prefix + 'cached input', c.input_cached_tokens, p.cached_input ?? p.input, discount);
      tokens(items, prefix + 'audio input', c.input_audio_tokens, p.audio_input ?? p.input, discount);
      tokens(items, prefix + 'image input', c.input_image_tokens, p.image_input ?? p.input, discount);
      tokens(items, prefix + 'output', b.output_text_tokens, p.output, discount);
      tokens(items, prefix + 'audio output', c.output_audio_tokens, p.audio_output ?? p.output, discount);
      tokens(items, prefix + 'image output', c.output_image_tokens, p.image_output ?? p.output, discount);
      break;
    }
    case 'embeddings':
    case 'moderations':
      tokens(items, `${r.model}, input`, c.input_tokens, catalog.get(r.model!)?.prices.input, 1);
      break;
    case 'images': {
      const perImage = catalog.get(r.model!)?.prices.per_image;
      add(items, `${r.model}, images`, 'images', c.images, c.images * (perImage?.[r.size!] ?? perImage?.default ?? 0));
      break;
    }
    case 'audio_speeches':
      add(items, `${r.model}, characters`, 'characters', c.characters, (c.characters * (catalog.get(r.model!)?.prices.per_1m_characters ?? 0)) / 1e6);
      break;
    case 'audio_transcriptions':
      add(items, `${r.model}, transcription`, 'duration_seconds', c.seconds, (c.seconds / 60) * (catalog.get(r.model!)?.prices.per_minute ?? 0));
      break;
    case 'vector_stores':
      // A record reports the bytes a store held for one day.
      add(items, 'vector store storage', 'gibibyte_hours', (c.usage_bytes / GIB) * 24, (c.usage_bytes / GIB) * (tools.vector_store_per_gb_day ?? 0));
      break;
    case 'code_interpreter_sessions':
      add(items, 'code interpreter sessions', '', c.num_sessions, c.num_sessions * (tools.code_interpreter_session ?? 0));
      break;
    case 'file_search_calls':
      add(items, 'file search tool calls', '', c.num_requests, (c.num_requests / 1000) * (tools.file_search_per_1k_calls ?? 0));
      break;
    case 'web_search_calls':
      add(items, 'web search tool calls', '', c.num_requests, (c.num_requests / 1000) * (tools.web_search_per_1k_calls ?? 0));
      break;
  }
  return items;
}

const NO_PRICES: ModelPrices = {};

function add(items: LineItem[], line_item: string, unit: string, quantity: number, amount: number): void {
  if (quantity > 0) items.push({ line_item, unit, quantity, amount });
}

/** A token line item: `perMillion` USD per million tokens, times the batch discount. */
function tokens(items: LineItem[], line_item: string, quantity: number, perMillion: number | undefined, discount: number): void {
  add(items, line_item, 'tokens', quantity, (quantity * (perMillion ?? 0) * discount) / 1e6);
}
