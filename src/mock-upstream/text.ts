// Text generation endpoints of the mock: /v1/chat/completions, /v1/completions, /v1/responses
// (with stored responses). Replies and usage are computed from the request by fixed rules
// (tokens.ts), so identical requests get identical content and usage.
import {
  bodyOf,
  json,
  MockError,
  type MockRequest,
  type MockState,
  modelOf,
  optionalCount,
  type Reply,
  serviceTierOf,
  sseFrame,
} from './protocol.js';
import { countTokens, hashText, naturalReplyTokens, replyPieces } from './tokens.js';

/** Tokens OpenAI adds per chat message and to prime the reply. */
const PER_MESSAGE = 3;
const REPLY_PRIMING = 3;
/** An image part of a prompt counts as a low-detail image. */
const IMAGE_PART_TOKENS = 85;
/** Prompts of this many tokens or more report this many of them as cached. */
const CACHE_THRESHOLD = 1024;

const cachedOf = (promptTokens: number) => (promptTokens >= CACHE_THRESHOLD ? CACHE_THRESHOLD : 0);
const now = () => Math.floor(Date.now() / 1000);

interface Prompt {
  tokens: number;
  /** Hash of the prompt's text: seeds the reply. */
  hash: number;
}

/** Tokens and text of a message's `content`: a string or an array of parts. */
function contentTokens(content: unknown, param: string): { tokens: number; text: string } {
  if (content === null || content === undefined) return { tokens: 0, text: '' };
  if (typeof content === 'string') return { tokens: countTokens(content), text: content };
  if (!Array.isArray(content)) throw new MockError(400, `Invalid type for '${param}': expected a string or an array of content parts.`, param, 'invalid_type');
  let tokens = 0;
  let text = '';
  for (const part of content as Record<string, unknown>[]) {
    if (typeof part?.text === 'string') {
      tokens += countTokens(part.text);
      text += part.text;
    } else if (part?.type === 'image_url' || part?.type === 'input_image') {
      tokens += IMAGE_PART_TOKENS;
    } else {
      const raw = JSON.stringify(part);
      tokens += countTokens(raw);
      text += raw;
    }
  }
  return { tokens, text };
}

/** The prompt of a list of chat-style messages (`{role, content, name?, tool_calls?}`). */
function messagesPrompt(messages: unknown, param: string, extra = ''): Prompt {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new MockError(400, `Invalid '${param}': expected a non-empty array of messages.`, param, messages === undefined ? 'missing_required_parameter' : 'invalid_value');
  }
  let tokens = REPLY_PRIMING + (extra ? countTokens(extra) : 0);
  let text = extra;
  messages.forEach((message: Record<string, unknown>, i) => {
    if (typeof message !== 'object' || message === null) throw new MockError(400, `Invalid '${param}[${i}]': expected an object.`, `${param}[${i}]`, 'invalid_type');
    const content = contentTokens(message.content, `${param}[${i}].content`);
    tokens += PER_MESSAGE + content.tokens;
    text += `\n${String(message.role)}:${content.text}`;
    if (typeof message.name === 'string') tokens += 1 + countTokens(message.name);
    if (message.tool_calls !== undefined) tokens += countTokens(JSON.stringify(message.tool_calls));
  });
  return { tokens, hash: hashText(text) };
}

/** How many tokens a reply gets: its natural length, capped by the request's limit. */
function replyLength(hash: number, cap: number | undefined): { tokens: number; capped: boolean } {
  const natural = naturalReplyTokens(hash);
  return cap !== undefined && cap < natural ? { tokens: cap, capped: true } : { tokens: natural, capped: false };
}

function streamOptions(body: Record<string, unknown>): boolean {
  const options = body.stream_options as Record<string, unknown> | undefined | null;
  if (options && body.stream !== true) throw new MockError(400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options', 'invalid_value');
  return options?.include_usage === true;
}

// ---- /v1/chat/completions ------------------------------------------------------------------------

export function chatCompletions(req: MockRequest, state: MockState): Reply {
  const body = bodyOf(req);
  const model = modelOf(req, body);
  const tools = body.tools === undefined ? '' : JSON.stringify(body.tools);
  const prompt = messagesPrompt(body.messages, 'messages', tools);
  const cap = optionalCount(body, 'max_completion_tokens') ?? optionalCount(body, 'max_tokens');
  const n = optionalCount(body, 'n') ?? 1;
  const includeUsage = streamOptions(body);
  const tier = serviceTierOf(body);
  const id = state.id('chatcmpl-');
  const created = now();
  const choices = Array.from({ length: n }, (_, index) => {
    const hash = (prompt.hash + index) >>> 0;
    const { tokens, capped } = replyLength(hash, cap);
    return { index, pieces: replyPieces(hash, tokens), tokens, finish: capped ? 'length' : 'stop' };
  });
  const completionTokens = choices.reduce((sum, c) => sum + c.tokens, 0);
  const usage = {
    prompt_tokens: prompt.tokens,
    completion_tokens: completionTokens,
    total_tokens: prompt.tokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cachedOf(prompt.tokens), audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  if (body.stream !== true) {
    return json({
      id,
      object: 'chat.completion',
      created,
      model,
      choices: choices.map((c) => ({
        index: c.index,
        message: { role: 'assistant', content: c.pieces.join(''), refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: c.finish,
      })),
      usage,
      service_tier: tier,
      system_fingerprint: 'fp_mock',
    }, { input: usage.prompt_tokens, output: usage.completion_tokens });
  }
  const head = `{"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"service_tier":"${tier}","system_fingerprint":"fp_mock","choices":`;
  const tail = includeUsage ? ',"usage":null}' : '}';
  const frames: string[] = [];
  const chunk = (index: number, delta: string, finish: string | null) =>
    frames.push(sseFrame(`${head}[{"index":${index},"delta":${delta},"logprobs":null,"finish_reason":${finish ? `"${finish}"` : 'null'}}]${tail}`));
  for (const c of choices) {
    chunk(c.index, '{"role":"assistant","content":"","refusal":null}', null);
    for (const piece of c.pieces) chunk(c.index, `{"content":${JSON.stringify(piece)}}`, null);
    chunk(c.index, '{}', c.finish);
  }
  if (includeUsage) frames.push(sseFrame(`${head}[],"usage":${JSON.stringify(usage)}}`));
  frames.push(sseFrame('[DONE]'));
  return { kind: 'sse', frames, usage: includeUsage ? { input: usage.prompt_tokens, output: usage.completion_tokens } : undefined };
}

// ---- /v1/completions (legacy) ------------------------------------------------------------------

/** The legacy endpoint's default `max_tokens`. */
const LEGACY_DEFAULT_MAX_TOKENS = 16;

function legacyPrompts(prompt: unknown): { text: string; tokens: number }[] {
  const invalid = () => new MockError(400, "Invalid 'prompt': expected a string, an array of strings, an array of tokens or an array of token arrays.", 'prompt', 'invalid_type');
  if (prompt === undefined) throw new MockError(400, "Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter');
  if (typeof prompt === 'string') return [{ text: prompt, tokens: countTokens(prompt) }];
  if (!Array.isArray(prompt) || prompt.length === 0) throw invalid();
  if (prompt.every((p) => typeof p === 'number')) return [{ text: prompt.join(','), tokens: prompt.length }];
  return prompt.map((p) => {
    if (typeof p === 'string') return { text: p, tokens: countTokens(p) };
    if (Array.isArray(p) && p.every((t) => typeof t === 'number')) return { text: p.join(','), tokens: p.length };
    throw invalid();
  });
}

export function completions(req: MockRequest, state: MockState): Reply {
  const body = bodyOf(req);
  const model = modelOf(req, body);
  const prompts = legacyPrompts(body.prompt);
  const cap = optionalCount(body, 'max_tokens') ?? LEGACY_DEFAULT_MAX_TOKENS;
  const n = optionalCount(body, 'n') ?? 1;
  const includeUsage = streamOptions(body);
  const echo = body.echo === true;
  const id = state.id('cmpl-');
  const created = now();
  const choices = prompts.flatMap((p, i) =>
    Array.from({ length: n }, (_, j) => {
      const hash = (hashText(p.text) + j) >>> 0;
      const { tokens, capped } = replyLength(hash, cap);
      return { index: i * n + j, prompt: p.text, pieces: replyPieces(hash, tokens), tokens, finish: capped ? 'length' : 'stop' };
    }),
  );
  const promptTokens = prompts.reduce((sum, p) => sum + p.tokens, 0);
  const completionTokens = choices.reduce((sum, c) => sum + c.tokens, 0);
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  if (body.stream !== true) {
    return json({
      id,
      object: 'text_completion',
      created,
      model,
      choices: choices.map((c) => ({ text: (echo ? c.prompt : '') + c.pieces.join(''), index: c.index, logprobs: null, finish_reason: c.finish })),
      usage,
      system_fingerprint: 'fp_mock',
    }, { input: usage.prompt_tokens, output: usage.completion_tokens });
  }
  const head = `{"id":"${id}","object":"text_completion","created":${created},"model":${JSON.stringify(model)},"system_fingerprint":"fp_mock","choices":`;
  const tail = includeUsage ? ',"usage":null}' : '}';
  const frames: string[] = [];
  for (const c of choices) {
    const texts = echo ? [c.prompt, ...c.pieces] : c.pieces;
    texts.forEach((text, k) => {
      const finish = k === texts.length - 1 ? `"${c.finish}"` : 'null';
      frames.push(sseFrame(`${head}[{"text":${JSON.stringify(text)},"index":${c.index},"logprobs":null,"finish_reason":${finish}}]${tail}`));
    });
  }
  if (includeUsage) frames.push(sseFrame(`${head}[],"usage":${JSON.stringify(usage)}}`));
  frames.push(sseFrame('[DONE]'));
  return { kind: 'sse', frames, usage: includeUsage ? { input: usage.prompt_tokens, output: usage.completion_tokens } : undefined };
}

// ---- /v1/responses -------------------------------------------------------------------------------

/** Input items with IDs, as input_items lists them, from `input` (a string or an array of items). */
function inputItemsOf(input: unknown, state: MockState): Record<string, unknown>[] {
  if (typeof input === 'string') {
    return [{ id: state.id('msg_'), type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: input }] }];
  }
  if (!Array.isArray(input)) {
    throw new MockError(400, "Invalid 'input': expected a string or an array of input items.", 'input', input === undefined ? 'missing_required_parameter' : 'invalid_type');
  }
  return input.map((item: Record<string, unknown>, i) => {
    if (typeof item !== 'object' || item === null) throw new MockError(400, `Invalid 'input[${i}]': expected an object.`, `input[${i}]`, 'invalid_type');
    if (item.type === undefined || item.type === 'message') {
      const content = typeof item.content === 'string' ? [{ type: 'input_text', text: item.content }] : item.content;
      return { id: state.id('msg_'), type: 'message', role: item.role ?? 'user', status: 'completed', content };
    }
    return { id: (item.id as string | undefined) ?? state.id('item_'), ...item };
  });
}

function inputPrompt(items: Record<string, unknown>[], instructions: string): Prompt {
  let tokens = instructions ? PER_MESSAGE + countTokens(instructions) : 0;
  let text = instructions;
  items.forEach((item, i) => {
    if (item.type === 'message') {
      const content = contentTokens(item.content, `input[${i}].content`);
      tokens += PER_MESSAGE + content.tokens;
      text += `\n${String(item.role)}:${content.text}`;
    } else {
      const { id: _id, ...rest } = item;
      const raw = JSON.stringify(rest);
      tokens += countTokens(raw);
      text += raw;
    }
  });
  return { tokens, hash: hashText(text) };
}

export function createResponse(req: MockRequest, state: MockState): Reply {
  const body = bodyOf(req);
  const model = modelOf(req, body);
  const instructions = typeof body.instructions === 'string' ? body.instructions : '';
  const items = inputItemsOf(body.input, state);
  const cap = optionalCount(body, 'max_output_tokens');
  const previousId = body.previous_response_id;
  let previous: number = 0;
  if (previousId !== undefined && previousId !== null) {
    const stored = typeof previousId === 'string' ? state.responses.get(previousId) : undefined;
    if (!stored) throw new MockError(404, `Previous response with id '${String(previousId)}' not found.`, 'previous_response_id', 'previous_response_not_found');
    previous = stored.contextTokens;
  }
  const prompt = inputPrompt(items, instructions);
  const inputTokens = previous + prompt.tokens;
  const { tokens, capped } = replyLength(prompt.hash, cap);
  const pieces = replyPieces(prompt.hash, tokens);
  const text = pieces.join('');
  const id = state.id('resp_');
  const messageId = state.id('msg_');
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: cachedOf(inputTokens) },
    output_tokens: tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + tokens,
  };
  const part = { type: 'output_text', annotations: [], logprobs: [], text };
  const message = { id: messageId, type: 'message', status: capped ? 'incomplete' : 'completed', content: [part], role: 'assistant' };
  const store = body.store !== false;
  const response: Record<string, unknown> = {
    id,
    object: 'response',
    created_at: now(),
    status: capped ? 'incomplete' : 'completed',
    background: false,
    error: null,
    incomplete_details: capped ? { reason: 'max_output_tokens' } : null,
    instructions: instructions || null,
    max_output_tokens: cap ?? null,
    metadata: body.metadata ?? {},
    model,
    output: [message],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: previousId ?? null,
    reasoning: { effort: null, summary: null },
    service_tier: serviceTierOf(body),
    store,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? 'disabled',
    usage,
    user: body.user ?? null,
  };
  if (store) state.responses.set(id, { response, inputItems: items, contextTokens: inputTokens + tokens });
  const reported = { input: inputTokens, output: tokens };
  if (body.stream !== true) return json(response, reported);

  let sequence = 0;
  const frames: string[] = [];
  const event = (type: string, fields: Record<string, unknown>) =>
    frames.push(sseFrame(JSON.stringify({ type, sequence_number: sequence++, ...fields }), type));
  const inProgress = { ...response, status: 'in_progress', incomplete_details: null, output: [], usage: null };
  event('response.created', { response: inProgress });
  event('response.in_progress', { response: inProgress });
  event('response.output_item.added', { output_index: 0, item: { ...message, status: 'in_progress', content: [] } });
  event('response.content_part.added', { item_id: messageId, output_index: 0, content_index: 0, part: { ...part, text: '' } });
  const deltaHead = `{"type":"response.output_text.delta","item_id":"${messageId}","output_index":0,"content_index":0,"delta":`;
  for (const piece of pieces) {
    frames.push(sseFrame(`${deltaHead}${JSON.stringify(piece)},"logprobs":[],"sequence_number":${sequence++}}`, 'response.output_text.delta'));
  }
  event('response.output_text.done', { item_id: messageId, output_index: 0, content_index: 0, text, logprobs: [] });
  event('response.content_part.done', { item_id: messageId, output_index: 0, content_index: 0, part });
  event('response.output_item.done', { output_index: 0, item: message });
  event(capped ? 'response.incomplete' : 'response.completed', { response });
  return { kind: 'sse', frames, usage: reported };
}

function storedResponse(id: string, state: MockState) {
  const stored = state.responses.get(id);
  if (!stored) throw new MockError(404, `Response with id '${id}' not found.`, null, 'not_found');
  return stored;
}

export function getResponse(id: string, state: MockState): Reply {
  return json(storedResponse(id, state).response);
}

export function deleteResponse(id: string, state: MockState): Reply {
  storedResponse(id, state);
  state.responses.delete(id);
  return json({ id, object: 'response', deleted: true });
}

export function listInputItems(id: string, req: MockRequest, state: MockState): Reply {
  const items = storedResponse(id, state).inputItems;
  const order = req.query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw new MockError(400, "Invalid 'order': expected 'asc' or 'desc'.", 'order', 'invalid_value');
  const limit = Number(req.query.get('limit') ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new MockError(400, "Invalid 'limit': expected an integer between 1 and 100.", 'limit', 'invalid_value');
  let ordered = order === 'asc' ? items : [...items].reverse();
  const after = req.query.get('after');
  if (after) ordered = ordered.slice(ordered.findIndex((item) => item.id === after) + 1);
  const data = ordered.slice(0, limit);
  return json({ object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: ordered.length > limit });
}
