// The mock's other endpoints: embeddings, moderations, images, audio and models. Content is
// derived from the input by fixed rules (see tokens.ts), so identical input gives identical output.
import {
  bodyOf,
  formOf,
  formString,
  json,
  MockError,
  type MockRequest,
  type MockState,
  modelOf,
  optionalCount,
  optionalString,
  type Reply,
  requiredString,
  sseFrame,
} from './protocol.js';
import { countTokens, hashBytes, hashText, replyPieces, seededRandom } from './tokens.js';

// ---- /v1/embeddings ------------------------------------------------------------------------------

function embeddingInputs(input: unknown): { key: string; tokens: number }[] {
  const invalid = () => new MockError(400, "Invalid 'input': expected a non-empty string, an array of strings, an array of tokens or an array of token arrays.", 'input', 'invalid_value');
  if (input === undefined) throw new MockError(400, "Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  if (typeof input === 'string') {
    if (input === '') throw invalid();
    return [{ key: input, tokens: countTokens(input) }];
  }
  if (!Array.isArray(input) || input.length === 0) throw invalid();
  if (input.every((t) => typeof t === 'number')) return [{ key: input.join(','), tokens: input.length }];
  return input.map((item) => {
    if (typeof item === 'string' && item !== '') return { key: item, tokens: countTokens(item) };
    if (Array.isArray(item) && item.length > 0 && item.every((t) => typeof t === 'number')) return { key: item.join(','), tokens: item.length };
    throw invalid();
  });
}

/** A unit-length vector derived from the input. */
function vectorOf(key: string, dimensions: number, state: MockState): Float32Array {
  const cacheKey = `${dimensions}:${key}`;
  const cached = state.vectors.get(cacheKey);
  if (cached) return cached;
  const next = seededRandom(hashText(key));
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    vector[i] = next() * 2 - 1;
    norm += vector[i] * vector[i];
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < dimensions; i++) vector[i] /= norm;
  return state.vectors.set(cacheKey, vector);
}

export function embeddings(req: MockRequest, state: MockState): Reply {
  const body = bodyOf(req);
  const model = modelOf(req, body);
  const inputs = embeddingInputs(body.input);
  const format = optionalString(body, 'encoding_format') ?? 'float';
  if (format !== 'float' && format !== 'base64') throw new MockError(400, "Invalid 'encoding_format': expected 'float' or 'base64'.", 'encoding_format', 'invalid_value');
  const requested = optionalCount(body, 'dimensions');
  if (requested !== undefined && model === 'text-embedding-ada-002') throw new MockError(400, 'This model does not support specifying dimensions.', 'dimensions');
  const dimensions = requested ?? (model === 'text-embedding-3-large' ? 3072 : 1536);
  const data = inputs.map((input, index) => {
    const vector = vectorOf(input.key, dimensions, state);
    const embedding = format === 'base64' ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') : Array.from(vector);
    return { object: 'embedding', index, embedding };
  });
  const tokens = inputs.reduce((sum, input) => sum + input.tokens, 0);
  return json({ object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } }, { input: tokens, output: 0 });
}

// ---- /v1/moderations -----------------------------------------------------------------------------

const CATEGORIES = [
  'harassment', 'harassment/threatening', 'hate', 'hate/threatening', 'illicit', 'illicit/violent', 'self-harm',
  'self-harm/intent', 'self-harm/instructions', 'sexual', 'sexual/minors', 'violence', 'violence/graphic',
];
/** A text containing one of these words is flagged in that category (the mock's whole policy). */
const TRIGGERS: Record<string, string> = { kill: 'violence', hate: 'hate', harass: 'harassment' };

function moderationInputs(input: unknown): { text: string; types: string[] }[] {
  if (typeof input === 'string') return [{ text: input, types: ['text'] }];
  if (Array.isArray(input) && input.length > 0 && input.every((i) => typeof i === 'string')) return input.map((text) => ({ text, types: ['text'] }));
  if (Array.isArray(input) && input.length > 0 && input.every((i) => typeof i === 'object' && i !== null)) {
    const parts = input as Record<string, unknown>[];
    const text = parts.map((p) => (typeof p.text === 'string' ? p.text : '')).join(' ');
    return [{ text, types: parts.some((p) => p.type === 'image_url') ? ['text', 'image'] : ['text'] }];
  }
  throw new MockError(400, "Invalid 'input': expected a string, an array of strings or an array of multi-modal inputs.", 'input', input === undefined ? 'missing_required_parameter' : 'invalid_value');
}

export function moderations(req: MockRequest, state: MockState): Reply {
  const body = bodyOf(req);
  const model = typeof body.model === 'string' ? body.model : 'omni-moderation-latest';
  const results = moderationInputs(body.input).map(({ text, types }) => {
    const lower = text.toLowerCase();
    const hit = new Set(Object.entries(TRIGGERS).filter(([word]) => lower.includes(word)).map(([, category]) => category));
    const hash = hashText(text);
    const categories: Record<string, boolean> = {};
    const scores: Record<string, number> = {};
    const applied: Record<string, string[]> = {};
    CATEGORIES.forEach((category, i) => {
      categories[category] = hit.has(category);
      scores[category] = hit.has(category) ? 0.9 : ((hash >>> i % 24) % 1000) / 1e6;
      applied[category] = category.startsWith('self-harm') || category.startsWith('sexual') || category.startsWith('violence') ? types : ['text'];
    });
    return { flagged: hit.size > 0, categories, category_scores: scores, category_applied_input_types: applied };
  });
  return json({ id: state.id('modr-'), model, results });
}

// ---- /v1/images ----------------------------------------------------------------------------------

/** A 1×1 PNG: every generated image. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
export const PNG = Buffer.from(PNG_BASE64, 'base64');
/** gpt-image-1's output tokens per image by quality and size (OpenAI's published table). */
const IMAGE_OUTPUT_TOKENS: Record<string, Record<string, number>> = {
  low: { '1024x1024': 272, '1024x1536': 408, '1536x1024': 400 },
  medium: { '1024x1024': 1056, '1024x1536': 1584, '1536x1024': 1568 },
  high: { '1024x1024': 4160, '1024x1536': 6240, '1536x1024': 6208 },
};
/** Input tokens each image given to an edit counts for (the mock's fixed rule). */
const INPUT_IMAGE_TOKENS = 323;

interface ImageRequest {
  model: string;
  prompt: string;
  n: number;
  size?: string;
  quality?: string;
  responseFormat?: string;
  outputFormat?: string;
  background?: string;
  inputImages: number;
}

function imagesReply(r: ImageRequest, origin: string): Reply {
  if (r.n < 1 || r.n > 10 || !Number.isInteger(r.n)) throw new MockError(400, "Invalid 'n': expected an integer between 1 and 10.", 'n', 'invalid_value');
  const tokenBased = r.model.startsWith('gpt-image');
  const created = Math.floor(Date.now() / 1000);
  if (!tokenBased) {
    const url = r.responseFormat !== 'b64_json';
    const data = Array.from({ length: r.n }, () => (url ? { url: `${origin}/mock-images/image.png`, revised_prompt: r.prompt } : { b64_json: PNG_BASE64, revised_prompt: r.prompt }));
    return json({ created, data });
  }
  if (r.responseFormat !== undefined) throw new MockError(400, `Unknown parameter: 'response_format' is not supported for ${r.model}.`, 'response_format', 'unknown_parameter');
  const size = !r.size || r.size === 'auto' ? '1024x1024' : r.size;
  const quality = !r.quality || r.quality === 'auto' ? 'medium' : r.quality;
  const perImage = IMAGE_OUTPUT_TOKENS[quality]?.[size];
  if (perImage === undefined) throw new MockError(400, `Invalid size '${size}' or quality '${quality}' for ${r.model}.`, IMAGE_OUTPUT_TOKENS[quality] ? 'size' : 'quality', 'invalid_value');
  const textTokens = countTokens(r.prompt);
  const imageTokens = r.inputImages * INPUT_IMAGE_TOKENS;
  const outputTokens = perImage * r.n;
  return json({
    created,
    background: r.background && r.background !== 'auto' ? r.background : 'opaque',
    data: Array.from({ length: r.n }, () => ({ b64_json: PNG_BASE64 })),
    output_format: r.outputFormat ?? 'png',
    quality,
    size,
    usage: {
      input_tokens: textTokens + imageTokens,
      input_tokens_details: { image_tokens: imageTokens, text_tokens: textTokens },
      output_tokens: outputTokens,
      total_tokens: textTokens + imageTokens + outputTokens,
    },
  });
}

export function imageGenerations(req: MockRequest, origin: string): Reply {
  const body = bodyOf(req);
  return imagesReply(
    {
      model: modelOf(req, body, 'dall-e-2'),
      prompt: requiredString(body, 'prompt'),
      n: (body.n as number | undefined) ?? 1,
      size: optionalString(body, 'size'),
      quality: optionalString(body, 'quality'),
      responseFormat: optionalString(body, 'response_format'),
      outputFormat: optionalString(body, 'output_format'),
      background: optionalString(body, 'background'),
      inputImages: 0,
    },
    origin,
  );
}

export async function imageEdits(req: MockRequest, origin: string): Promise<Reply> {
  const form = await formOf(req);
  const images = [...form.getAll('image'), ...form.getAll('image[]')].filter((v) => typeof v !== 'string');
  if (images.length === 0) throw new MockError(400, "Missing required parameter: 'image'.", 'image', 'missing_required_parameter');
  const prompt = formString(form, 'prompt');
  if (!prompt) throw new MockError(400, "Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter');
  const n = formString(form, 'n');
  return imagesReply(
    {
      model: formString(form, 'model') ?? req.deployment ?? 'dall-e-2',
      prompt,
      n: n === undefined ? 1 : Number(n),
      size: formString(form, 'size'),
      quality: formString(form, 'quality'),
      responseFormat: formString(form, 'response_format'),
      outputFormat: formString(form, 'output_format'),
      background: formString(form, 'background'),
      inputImages: images.length,
    },
    origin,
  );
}

// ---- /v1/audio/speech ----------------------------------------------------------------------------

const AUDIO_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg',
  opus: 'audio/opus',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};
/** Audio bytes per input character (the mock's rule; about 1 s of 48 kbit/s audio per 15 characters). */
const AUDIO_BYTES_PER_CHARACTER = 400;
const MAX_SPEECH_INPUT = 4096;

/** Deterministic audio bytes: an MP3 frame header followed by a pattern, repeated. */
function audioBytes(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = i % 144 === 0 ? 0xff : i % 144 === 1 ? 0xf3 : (i * 31) & 0xff;
  return bytes;
}
/** The longest speech's bytes; every answer is a prefix of it. */
const AUDIO = audioBytes(MAX_SPEECH_INPUT * AUDIO_BYTES_PER_CHARACTER);

export function speech(req: MockRequest): Reply {
  const body = bodyOf(req);
  const model = modelOf(req, body);
  const input = requiredString(body, 'input');
  if (input.length > MAX_SPEECH_INPUT) throw new MockError(400, `Invalid 'input': string too long. Expected a string with maximum length ${MAX_SPEECH_INPUT}, but got a string with length ${input.length} instead.`, 'input', 'string_above_max_length');
  requiredString(body, 'voice');
  const format = optionalString(body, 'response_format') ?? 'mp3';
  const contentType = AUDIO_TYPES[format];
  if (!contentType) throw new MockError(400, `Invalid 'response_format': '${format}'.`, 'response_format', 'invalid_value');
  const audio = AUDIO.subarray(0, Math.max(1, input.length) * AUDIO_BYTES_PER_CHARACTER);
  if (body.stream_format !== 'sse') return { kind: 'bytes', contentType, body: audio };
  if (model === 'tts-1' || model === 'tts-1-hd') throw new MockError(400, `stream_format 'sse' is not supported for ${model}.`, 'stream_format', 'unsupported_value');
  const frames: string[] = [];
  const piece = 16 * 1024;
  for (let at = 0; at < audio.length; at += piece) {
    frames.push(sseFrame(JSON.stringify({ type: 'speech.audio.delta', audio: audio.subarray(at, at + piece).toString('base64') }), 'speech.audio.delta'));
  }
  const inputTokens = countTokens(input) + (typeof body.instructions === 'string' ? countTokens(body.instructions) : 0);
  const outputTokens = Math.ceil(audio.length / 1000);
  frames.push(sseFrame(JSON.stringify({ type: 'speech.audio.done', usage: { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens } }), 'speech.audio.done'));
  return { kind: 'sse', frames };
}

// ---- /v1/audio/transcriptions and /v1/audio/translations -----------------------------------------

/** Audio bytes per second of input (the mock's rule: 128 kbit/s). */
const AUDIO_BYTES_PER_SECOND = 16_000;
/** Audio input tokens per second for token-billed transcription models. */
const AUDIO_TOKENS_PER_SECOND = 10;

function timestamp(seconds: number, separator: string): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}${separator}000`;
}

export async function transcribe(req: MockRequest, task: 'transcribe' | 'translate'): Promise<Reply> {
  const form = await formOf(req);
  const file = form.get('file');
  if (!file || typeof file === 'string') throw new MockError(400, "Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
  const model = formString(form, 'model') ?? req.deployment;
  if (!model) throw new MockError(400, "Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length === 0) throw new MockError(400, 'Audio file might be corrupted or unsupported', 'file', 'invalid_value');
  const seconds = Math.max(1, Math.ceil(bytes.length / AUDIO_BYTES_PER_SECOND));
  const text = replyPieces(hashBytes(bytes), 4 + 2 * Math.min(seconds, 500)).join('') + '.';
  const format = formString(form, 'response_format') ?? 'json';
  const durationBilled = model === 'whisper-1';
  const prompt = formString(form, 'prompt') ?? '';
  const textTokens = countTokens(prompt);
  const audioTokens = seconds * AUDIO_TOKENS_PER_SECOND;
  const outputTokens = countTokens(text);
  const usage = durationBilled
    ? { type: 'duration', seconds }
    : {
        type: 'tokens',
        input_tokens: textTokens + audioTokens,
        input_token_details: { text_tokens: textTokens, audio_tokens: audioTokens },
        output_tokens: outputTokens,
        total_tokens: textTokens + audioTokens + outputTokens,
      };
  if (formString(form, 'stream') === 'true' && task === 'transcribe') {
    if (durationBilled) throw new MockError(400, 'Streaming is not supported for the whisper-1 model.', 'stream', 'unsupported_value');
    const frames = replyPieces(hashBytes(bytes), 4 + 2 * Math.min(seconds, 500)).map((delta) =>
      sseFrame(JSON.stringify({ type: 'transcript.text.delta', delta, logprobs: [] }), 'transcript.text.delta'),
    );
    frames.push(sseFrame(JSON.stringify({ type: 'transcript.text.delta', delta: '.', logprobs: [] }), 'transcript.text.delta'));
    frames.push(sseFrame(JSON.stringify({ type: 'transcript.text.done', text, logprobs: [], usage }), 'transcript.text.done'));
    return { kind: 'sse', frames };
  }
  const cue = (separator: string) => `${timestamp(0, separator)} --> ${timestamp(seconds, separator)}\n${text}\n`;
  switch (format) {
    case 'json':
      return json({ text, usage });
    case 'text':
      return { kind: 'bytes', contentType: 'text/plain; charset=utf-8', body: `${text}\n` };
    case 'srt':
      return { kind: 'bytes', contentType: 'text/plain; charset=utf-8', body: `1\n${cue(',')}\n` };
    case 'vtt':
      return { kind: 'bytes', contentType: 'text/plain; charset=utf-8', body: `WEBVTT\n\n${cue('.')}\n` };
    case 'verbose_json':
      if (!durationBilled) throw new MockError(400, `response_format 'verbose_json' is not compatible with ${model}.`, 'response_format', 'unsupported_value');
      return json({
        task,
        language: task === 'translate' ? 'english' : (formString(form, 'language') ?? 'english'),
        duration: seconds,
        text,
        segments: [{ id: 0, seek: 0, start: 0, end: seconds, text, tokens: [], temperature: 0, avg_logprob: -0.1, compression_ratio: 1, no_speech_prob: 0 }],
        usage,
      });
    default:
      throw new MockError(400, `Invalid 'response_format': '${format}'.`, 'response_format', 'invalid_value');
  }
}

// ---- /v1/models ----------------------------------------------------------------------------------

/** The models the mock lists (it answers any model name on the inference endpoints). */
const MODELS = [
  'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'gpt-4o-mini',
  'gpt-4o-audio-preview', 'o3', 'o3-mini', 'o4-mini', 'o1', 'gpt-3.5-turbo', 'gpt-3.5-turbo-instruct', 'davinci-002',
  'babbage-002', 'text-embedding-3-small', 'text-embedding-3-large', 'text-embedding-ada-002', 'gpt-image-1',
  'dall-e-3', 'dall-e-2', 'tts-1', 'tts-1-hd', 'gpt-4o-mini-tts', 'whisper-1', 'gpt-4o-transcribe',
  'gpt-4o-mini-transcribe', 'omni-moderation-latest', 'text-moderation-latest',
].map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: id.startsWith('gpt-') || id.startsWith('o') ? 'openai' : 'system' }));
const MODEL_LIST = JSON.stringify({ object: 'list', data: MODELS });

export function listModels(): Reply {
  return { kind: 'json', body: MODEL_LIST };
}

export function getModel(id: string): Reply {
  const model = MODELS.find((m) => m.id === id);
  if (!model) throw new MockError(404, `The model '${id}' does not exist`, 'model', 'model_not_found');
  return json(model);
}
