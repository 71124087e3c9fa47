import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { type MockUpstream, startMockUpstream } from '../../src/mock-upstream/server.js';
import { countTokens } from '../../src/mock-upstream/tokens.js';

const client = (mock: MockUpstream, apiKey = 'sk-upstream') => new OpenAI({ apiKey, baseURL: mock.url, maxRetries: 0 });
const words = (text: string) => text.split(' ').length;

/** Tokens of a chat prompt by the mock's documented rule: 3 per message + content, 3 to prime the reply. */
const chatPrompt = (...contents: string[]) => 3 + contents.reduce((sum, c) => sum + 3 + countTokens(c), 0);

describe('mock upstream through the official openai SDK', () => {
  let mock: MockUpstream;
  let openai: OpenAI;
  before(async () => {
    mock = await startMockUpstream({ port: 0 });
    openai = client(mock);
  });
  after(() => mock.close());

  it('counts tokens by its fixed rule', () => {
    assert.equal(countTokens('Hello there'), 2);
    assert.equal(countTokens('internationalization'), 4); // 20 letters: ceil(20 / 6)
    assert.equal(countTokens('It costs 12345 dollars!'), 1 + 2 + 2 + 1 + 1);
    assert.equal(countTokens('  \n\t'), 0);
  });

  it('chat completions: deterministic reply, realistic usage, model echoed, caps honoured', async () => {
    const messages = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: 'Say something about the weather today.' },
    ];
    const first = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const second = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
    assert.equal(first.object, 'chat.completion');
    assert.equal(first.model, 'gpt-4o-mini');
    assert.match(first.id, /^chatcmpl-/);
    assert.notEqual(first.id, second.id);
    const content = first.choices[0].message.content!;
    assert.equal(content, second.choices[0].message.content);
    assert.equal(first.choices[0].finish_reason, 'stop');
    assert.deepEqual(first.usage, second.usage);
    assert.equal(first.usage!.prompt_tokens, chatPrompt('You are terse.', 'Say something about the weather today.'));
    assert.equal(first.usage!.completion_tokens, words(content));
    assert.equal(first.usage!.completion_tokens, countTokens(content));
    assert.equal(first.usage!.total_tokens, first.usage!.prompt_tokens + first.usage!.completion_tokens);
    assert.equal(first.usage!.prompt_tokens_details!.cached_tokens, 0);
    assert.equal(first.service_tier, 'default');

    const other = await openai.chat.completions.create({ model: 'my-deployment', messages: [{ role: 'user', content: 'Something else entirely' }] });
    assert.equal(other.model, 'my-deployment');
    assert.notEqual(other.choices[0].message.content, content);

    const capped = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 3 });
    assert.equal(capped.choices[0].finish_reason, 'length');
    assert.equal(capped.usage!.completion_tokens, 3);
    assert.equal(capped.choices[0].message.content, content.split(' ').slice(0, 3).join(' '));
    const capped2 = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, max_completion_tokens: 2, n: 2, service_tier: 'flex' });
    assert.equal(capped2.choices.length, 2);
    assert.equal(capped2.usage!.completion_tokens, 4);
    assert.equal(capped2.service_tier, 'flex');

    const long = 'word '.repeat(1100);
    const big = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: long }] });
    assert.equal(big.usage!.prompt_tokens, chatPrompt(long));
    assert.equal(big.usage!.prompt_tokens_details!.cached_tokens, 1024);
  });

  it('chat completions stream: the same content chunk by chunk; a usage chunk only when asked for', async () => {
    const messages = [{ role: 'user' as const, content: 'Stream me a story' }];
    const whole = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });

    const plain = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    const chunks = [];
    for await (const chunk of plain) chunks.push(chunk);
    assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && c.usage === undefined));
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), whole.choices[0].message.content);
    assert.equal(chunks.length, whole.usage!.completion_tokens + 2); // role chunk, one per token, finish chunk
    assert.equal(chunks.at(-1)!.choices[0].finish_reason, 'stop');

    const withUsage = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    const usageChunks = [];
    for await (const chunk of withUsage) usageChunks.push(chunk);
    const last = usageChunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.deepEqual(last.usage, whole.usage);
    assert.ok(usageChunks.slice(0, -1).every((c) => c.usage === null));

    const raw = mock.received.at(-1)!;
    assert.equal(raw.path, '/v1/chat/completions');
    assert.deepEqual((raw.json as any).stream_options, { include_usage: true });
  });

  it('legacy completions, stream and not; max_tokens defaults to 16', async () => {
    const prompt = 'Once upon a time there was a very long tale about many things';
    const done = await openai.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt, max_tokens: 100 });
    assert.equal(done.object, 'text_completion');
    assert.equal(done.usage!.prompt_tokens, countTokens(prompt));
    assert.equal(done.usage!.completion_tokens, words(done.choices[0].text));
    const short = await openai.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: ['a b c', 'd e f'] });
    assert.equal(short.choices.length, 2);
    assert.ok(short.choices.every((c) => words(c.text) <= 16));
    assert.equal(short.usage!.prompt_tokens, 6);

    const stream = await openai.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt, max_tokens: 100, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, done.choices[0].text);
    assert.deepEqual(usage, done.usage);
  });

  it('responses: create, retrieve, input items, previous_response_id, delete; streamed events with usage', async () => {
    const created = await openai.responses.create({ model: 'gpt-4.1', instructions: 'Be brief.', input: 'What is a gateway?' });
    assert.equal(created.object, 'response');
    assert.equal(created.status, 'completed');
    assert.match(created.id, /^resp_/);
    assert.equal(created.model, 'gpt-4.1');
    assert.equal(created.usage!.input_tokens, 3 + countTokens('Be brief.') + 3 + countTokens('What is a gateway?'));
    assert.equal(created.usage!.output_tokens, words(created.output_text));
    assert.equal(created.usage!.total_tokens, created.usage!.input_tokens + created.usage!.output_tokens);

    const got = await openai.responses.retrieve(created.id);
    assert.equal(got.output_text, created.output_text);
    const items = await openai.responses.inputItems.list(created.id);
    assert.equal(items.data.length, 1);
    assert.equal((items.data[0] as any).content[0].text, 'What is a gateway?');

    const followUp = await openai.responses.create({ model: 'gpt-4.1', previous_response_id: created.id, input: [{ role: 'user', content: 'And a proxy?' }] });
    assert.equal(followUp.previous_response_id, created.id);
    assert.equal(followUp.usage!.input_tokens, created.usage!.total_tokens + 3 + countTokens('And a proxy?'));

    await assert.rejects(openai.responses.create({ model: 'gpt-4.1', previous_response_id: 'resp_unknown', input: 'x' }), (err: any) => {
      assert.ok(err instanceof OpenAI.NotFoundError);
      assert.equal(err.param, 'previous_response_id');
      return true;
    });

    const capped = await openai.responses.create({ model: 'gpt-4.1', input: 'What is a gateway?', max_output_tokens: 2 });
    assert.equal(capped.status, 'incomplete');
    assert.equal(capped.usage!.output_tokens, 2);

    const stream = await openai.responses.create({ model: 'gpt-4.1', instructions: 'Be brief.', input: 'What is a gateway?', stream: true });
    const events = [];
    for await (const event of stream) events.push(event);
    const types = [...new Set(events.map((e) => e.type))];
    assert.deepEqual(types, [
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
      'response.output_text.delta', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done',
      'response.completed',
    ]);
    assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i));
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    assert.deepEqual(completed.response.usage, created.usage);
    const deltas = events.filter((e) => e.type === 'response.output_text.delta').map((e: any) => e.delta).join('');
    assert.equal(deltas, created.output_text);

    await openai.responses.delete(created.id);
    await assert.rejects(openai.responses.retrieve(created.id), OpenAI.NotFoundError);
    const unstored = await openai.responses.create({ model: 'gpt-4.1', input: 'x', store: false });
    await assert.rejects(openai.responses.retrieve(unstored.id), OpenAI.NotFoundError);
  });

  it('embeddings: float and base64 carry the same vectors; usage counts the input', async () => {
    const input = ['first text', 'second text here'];
    const float = await openai.embeddings.create({ model: 'text-embedding-3-small', input, encoding_format: 'float' });
    const base64 = await openai.embeddings.create({ model: 'text-embedding-3-small', input, encoding_format: 'base64' });
    const sdkDefault = await openai.embeddings.create({ model: 'text-embedding-3-small', input }); // the SDK asks for base64 and decodes it
    assert.equal(float.data.length, 2);
    assert.equal(float.data[0].embedding.length, 1536);
    assert.deepEqual(sdkDefault.data[1].embedding, float.data[1].embedding);
    const decoded = Array.from(new Float32Array(Buffer.from(base64.data[0].embedding as unknown as string, 'base64').buffer.slice(0)));
    assert.deepEqual(decoded.slice(0, 1536), float.data[0].embedding);
    assert.notDeepEqual(float.data[0].embedding, float.data[1].embedding);
    assert.equal(float.usage.prompt_tokens, countTokens('first text') + countTokens('second text here'));
    const norm = Math.sqrt(float.data[0].embedding.reduce((s, x) => s + x * x, 0));
    assert.ok(Math.abs(norm - 1) < 1e-5);
    const small = await openai.embeddings.create({ model: 'text-embedding-3-large', input: 'x', dimensions: 256, encoding_format: 'float' });
    assert.equal(small.data[0].embedding.length, 256);
  });

  it('moderations flag by the mock policy', async () => {
    const result = await openai.moderations.create({ model: 'omni-moderation-latest', input: ['a nice day', 'I will kill the process'] });
    assert.equal(result.model, 'omni-moderation-latest');
    assert.equal(result.results[0].flagged, false);
    assert.equal(result.results[1].flagged, true);
    assert.equal(result.results[1].categories.violence, true);
  });

  it('images: generations with gpt-image-1 usage; dall-e urls; edits as multipart', async () => {
    const generated = await openai.images.generate({ model: 'gpt-image-1', prompt: 'a red fox in snow', n: 2, quality: 'low', size: '1024x1536' });
    assert.equal(generated.data!.length, 2);
    assert.ok(Buffer.from(generated.data![0].b64_json!, 'base64').subarray(1, 4).equals(Buffer.from('PNG')));
    assert.deepEqual(generated.usage, {
      input_tokens: countTokens('a red fox in snow'),
      input_tokens_details: { image_tokens: 0, text_tokens: countTokens('a red fox in snow') },
      output_tokens: 2 * 408,
      total_tokens: countTokens('a red fox in snow') + 816,
    });
    const dalle = await openai.images.generate({ model: 'dall-e-3', prompt: 'a fox' });
    assert.equal(dalle.usage, undefined);
    const png = await fetch(dalle.data![0].url!);
    assert.equal(png.headers.get('content-type'), 'image/png');

    const image = await toFile(Buffer.from(generated.data![0].b64_json!, 'base64'), 'fox.png', { type: 'image/png' });
    const edited = await openai.images.edit({ model: 'gpt-image-1', image: [image, image], prompt: 'make it blue' });
    assert.equal(edited.usage!.input_tokens_details.image_tokens, 2 * 323);
    assert.equal(edited.usage!.output_tokens, 1056);
    assert.match(String(mock.received.at(-1)!.headers['content-type']), /^multipart\/form-data; boundary=/);
    await assert.rejects(openai.images.edit({ model: 'gpt-image-1', image, prompt: '' }), OpenAI.BadRequestError);
  });

  it('audio: speech as binary audio/mpeg; transcriptions and translations from multipart with usage', async () => {
    const speech = await openai.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Hello from the mock.' });
    assert.equal(speech.headers.get('content-type'), 'audio/mpeg');
    const bytes = Buffer.from(await speech.arrayBuffer());
    assert.equal(bytes.length, 'Hello from the mock.'.length * 400);
    assert.equal(bytes[0], 0xff);
    const again = Buffer.from(await (await openai.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Hello from the mock.' })).arrayBuffer());
    assert.ok(again.equals(bytes));

    const file = await toFile(Buffer.alloc(40_000, 7), 'speech.mp3', { type: 'audio/mpeg' });
    const whisper = await openai.audio.transcriptions.create({ model: 'whisper-1', file });
    assert.deepEqual(whisper.usage, { type: 'duration', seconds: 3 });
    assert.ok(whisper.text.length > 0);
    const tokens = await openai.audio.transcriptions.create({ model: 'gpt-4o-transcribe', file, prompt: 'names: Ada' });
    assert.equal(tokens.text, whisper.text);
    assert.deepEqual(tokens.usage, {
      type: 'tokens',
      input_tokens: 30 + countTokens('names: Ada'),
      input_token_details: { text_tokens: countTokens('names: Ada'), audio_tokens: 30 },
      output_tokens: countTokens(whisper.text),
      total_tokens: 30 + countTokens('names: Ada') + countTokens(whisper.text),
    });
    const text = await openai.audio.transcriptions.create({ model: 'whisper-1', file, response_format: 'text' });
    assert.equal(text, `${whisper.text}\n`);
    const translation = await openai.audio.translations.create({ model: 'whisper-1', file });
    assert.equal(translation.text, whisper.text);
    assert.deepEqual((translation as any).usage, { type: 'duration', seconds: 3 });

    const stream = await openai.audio.transcriptions.create({ model: 'gpt-4o-mini-transcribe', file, stream: true });
    const events = [];
    for await (const event of stream) events.push(event);
    const done = events.at(-1) as any;
    assert.equal(done.type, 'transcript.text.done');
    assert.equal(done.text, whisper.text);
    assert.equal(events.slice(0, -1).map((e: any) => e.delta).join(''), whisper.text);
  });

  it('models: list and retrieve; unknown model 404 model_not_found', async () => {
    const ids = [];
    for await (const model of openai.models.list()) ids.push(model.id);
    assert.ok(ids.includes('gpt-4o-mini') && ids.includes('whisper-1'));
    assert.equal((await openai.models.retrieve('gpt-4o-mini')).object, 'model');
    await assert.rejects(openai.models.retrieve('no-such-model'), (err: any) => err instanceof OpenAI.NotFoundError && err.code === 'model_not_found');
  });

  it('bad input gets a 400 in OpenAI error shape; unknown paths 404', async () => {
    await assert.rejects(openai.chat.completions.create({ messages: [{ role: 'user', content: 'x' }] } as any), OpenAI.BadRequestError);
    await assert.rejects(openai.chat.completions.create({ model: 'gpt-4o', messages: [] }), (err: any) => err instanceof OpenAI.BadRequestError && err.param === 'messages');
    const res = await fetch(`${mock.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type']);
    assert.equal((await fetch(`${mock.url}/nope`)).status, 404);
  });

  it('tallies the usage it reported in fully sent answers, also at GET /mock/stats', async () => {
    const tally = await startMockUpstream({ port: 0 });
    try {
      const sdk = client(tally);
      const messages = [{ role: 'user' as const, content: 'count me' }];
      const a = await sdk.chat.completions.create({ model: 'gpt-4o', messages });
      const stream = await sdk.chat.completions.create({ model: 'gpt-4o', messages, stream: true }); // no usage asked for: none reported
      for await (const _ of stream);
      const b = await sdk.responses.create({ model: 'gpt-4o', input: 'count me too' });
      const expected = {
        responses: 2,
        inputTokens: a.usage!.prompt_tokens + b.usage!.input_tokens,
        outputTokens: a.usage!.completion_tokens + b.usage!.output_tokens,
      };
      assert.deepEqual(tally.reported, expected);
      const stats = await (await fetch(tally.url.replace('/v1', '/mock/stats'))).json();
      assert.deepEqual(stats, { requests: 3, aborted: 0, reported: expected });
    } finally {
      await tally.close();
    }
  });

  it('records every request with method, path, headers and body', async () => {
    const before = mock.received.length;
    await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'recorded', encoding_format: 'float' });
    assert.equal(mock.received.length, before + 1);
    const req = mock.received.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/v1/embeddings');
    assert.equal(req.headers.authorization, 'Bearer sk-upstream');
    assert.deepEqual(req.json, { model: 'text-embedding-3-small', input: 'recorded', encoding_format: 'float' });
    assert.equal(JSON.parse(req.body.toString()).input, 'recorded');
  });
});

describe('mock upstream failures, keys and disconnects', () => {
  it('forced failures answer the next N requests, then normal answers resume', async () => {
    const mock = await startMockUpstream({ port: 0 });
    try {
      const openai = client(mock);
      const ask = () => openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
      mock.setFailure({ status: 503, count: 2 });
      for (let i = 0; i < 2; i++) {
        await assert.rejects(ask(), (err: any) => {
          assert.ok(err instanceof OpenAI.APIError);
          assert.equal(err.status, 503);
          assert.equal(err.type, 'server_error');
          return true;
        });
      }
      assert.equal((await ask()).object, 'chat.completion');
      mock.setFailure({ status: 429, body: { error: { message: 'slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' } } });
      await assert.rejects(ask(), (err: any) => err instanceof OpenAI.RateLimitError && err.message.includes('slow down'));
      mock.setFailure({ status: 500, count: 5 });
      mock.setFailure(null);
      assert.equal((await ask()).object, 'chat.completion');
    } finally {
      await mock.close();
    }
  });

  it('a failure rate fails that fraction of requests, the same ones for the same seed', async () => {
    const statuses = async (seed: number) => {
      const mock = await startMockUpstream({ port: 0, failureRate: 0.3, seed });
      try {
        const out: number[] = [];
        for (let i = 0; i < 200; i++) out.push((await fetch(`${mock.url}/models`)).status);
        return out;
      } finally {
        await mock.close();
      }
    };
    const a = await statuses(42);
    const b = await statuses(42);
    const c = await statuses(43);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const failed = a.filter((s) => s === 500).length;
    assert.ok(failed > 30 && failed < 90, `${failed} of 200 failed at rate 0.3`);
    assert.ok(a.every((s) => s === 200 || s === 500));
  });

  it('an API key is required when configured (Bearer, or Azure api-key on deployment paths)', async () => {
    const mock = await startMockUpstream({ port: 0, apiKey: 'sk-right' });
    try {
      await assert.rejects(client(mock, 'sk-wrong').models.list(), OpenAI.AuthenticationError);
      assert.ok((await client(mock, 'sk-right').models.retrieve('gpt-4o')).id);
      const origin = mock.url.slice(0, -3);
      const azure = await fetch(`${origin}/openai/deployments/my-gpt/chat/completions?api-version=2024-10-21`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'api-key': 'sk-right' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(azure.status, 200);
      assert.equal((await azure.json()).model, 'my-gpt');
      assert.equal(mock.received.at(-1)!.path, '/openai/deployments/my-gpt/chat/completions?api-version=2024-10-21');
    } finally {
      await mock.close();
    }
  });

  it('counts a client that goes away mid-stream as aborted, and finished requests not', async () => {
    const mock = await startMockUpstream({ port: 0, streamChunkDelayMs: 20 });
    try {
      const openai = client(mock);
      const messages = [{ role: 'user' as const, content: 'a long story please' }];
      const full = await openai.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
      for await (const _ of full);
      assert.equal(mock.aborted, 0);
      const controller = new AbortController();
      const stream = await openai.chat.completions.create({ model: 'gpt-4o', messages, stream: true }, { signal: controller.signal });
      let seen = 0;
      for await (const _ of stream) if (++seen === 2) controller.abort(); // the SDK ends the iteration quietly
      assert.equal(seen, 2);
      while (mock.aborted === 0) await sleep(10);
      assert.equal(mock.aborted, 1);
    } finally {
      await mock.close();
    }
  });
});

describe('npm run mock-upstream', () => {
  const cli = ['--import', 'tsx', 'src/cli/mock-upstream.ts'];

  it('--help prints the options; a bad option fails with exit code 2', () => {
    const help = spawnSync(process.execPath, [...cli, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    for (const flag of ['--port', '--host', '--latency-ms', '--failure-rate', '--seed', '--stream-chunk-delay-ms']) assert.ok(help.stdout.includes(flag), flag);
    const bad = spawnSync(process.execPath, [...cli, '--failure-rate', '2'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--failure-rate must be between 0 and 1/);
  });

  it('serves on the given port until stopped', async () => {
    const child = spawn(process.execPath, [...cli, '--port', '0', '--latency-ms', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      while (!out.includes('\n')) {
        const [chunk] = await once(child.stdout!, 'data');
        out += String(chunk);
      }
      const url = /listening on (\S+)/.exec(out)![1];
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const completion = await new OpenAI({ apiKey: 'x', baseURL: url, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(completion.model, 'gpt-4o');
    } finally {
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
    }
  });
});
