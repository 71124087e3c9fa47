/**
 * The model catalog: which models exist, their kind, their organization-level (default)
 * rate limits and their prices. Rate limits, the gateway and costs all read this one catalog.
 */

export type ModelKind =
  | 'chat'
  | 'completion'
  | 'embedding'
  | 'image'
  | 'audio_speech'
  | 'audio_transcription'
  | 'moderation';

/** Organization-level default limits; a field that does not apply to the model is absent. */
export interface ModelRateLimits {
  max_requests_per_1_minute?: number;
  max_tokens_per_1_minute?: number;
  max_images_per_1_minute?: number;
  max_audio_megabytes_per_1_minute?: number;
  max_requests_per_1_day?: number;
  batch_1_day_max_input_tokens?: number;
}

/** Prices in USD. Token prices are per 1 million tokens; absent = not billed that way. */
export interface ModelPrices {
  input?: number;
  cached_input?: number;
  output?: number;
  audio_input?: number;
  audio_output?: number;
  image_input?: number;
  image_output?: number;
  /** Per generated image, by size (e.g. "1024x1024"); key "default" applies to other sizes. */
  per_image?: Record<string, number>;
  /** Per minute of transcribed audio. */
  per_minute?: number;
  /** Per 1 million characters of speech input. */
  per_1m_characters?: number;
  /** Multiplier applied to token prices of batch requests (OpenAI: 0.5). */
  batch_discount?: number;
}

export interface CatalogModel {
  id: string;
  kind: ModelKind;
  rate_limits: ModelRateLimits;
  prices: ModelPrices;
}

/** Prices of tool usage that is not tied to one model, in USD. */
export interface ToolPrices {
  code_interpreter_session?: number;
  file_search_per_1k_calls?: number;
  web_search_per_1k_calls?: number;
  vector_store_per_gb_day?: number;
}

export interface ModelCatalog {
  models: readonly CatalogModel[];
  tools: ToolPrices;
  get(modelId: string): CatalogModel | undefined;
}
