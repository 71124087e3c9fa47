// Starts the deterministic OpenAI-compatible mock upstream (see src/mock-upstream/server.ts).
// Usage: npm run mock-upstream -- --help
import { startMockUpstream } from '../mock-upstream/server.js';

const HELP = `Usage: npm run mock-upstream -- [options]

A deterministic OpenAI-compatible server (chat, completions, responses, embeddings, moderations,
images, audio, models) with realistic usage, for demos, tests and benchmarks.

Options:
  --port N            port to listen on (default 9090; 0 picks a free one)
  --host ADDRESS      address to listen on (default 127.0.0.1)
  --latency-ms N      delay before the first byte of every answer (default 0)
  --failure-rate X    fraction of requests answered 500, between 0 and 1 (default 0)
  --seed N            seed of the failure draws (default 1)
  --stream-chunk-delay-ms N   delay between the chunks of a streamed answer (default 0)
  --api-key KEY       answer 401 to requests without "Authorization: Bearer KEY" (default: accept any)
  --help              show this help
`;

function parse(args: string[]) {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(HELP);
      process.exit(0);
    }
    const [name, inline] = arg.split('=', 2);
    if (!['--port', '--host', '--latency-ms', '--failure-rate', '--seed', '--api-key', '--stream-chunk-delay-ms'].includes(name)) fail(`unknown option ${arg}`);
    const value = inline ?? args[++i];
    if (value === undefined) fail(`${name} needs a value`);
    values.set(name.slice(2), value);
  }
  const number = (name: string, fallback: number, check: (n: number) => boolean, what: string) => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === '' || !check(n)) fail(`--${name} must be ${what}, got "${raw}"`);
    return n;
  };
  return {
    port: number('port', 9090, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a port number'),
    host: values.get('host') ?? '127.0.0.1',
    latencyMs: number('latency-ms', 0, (n) => Number.isFinite(n) && n >= 0, 'a non-negative number'),
    failureRate: number('failure-rate', 0, (n) => n >= 0 && n <= 1, 'between 0 and 1'),
    seed: number('seed', 1, Number.isInteger, 'an integer'),
    streamChunkDelayMs: number('stream-chunk-delay-ms', 0, (n) => Number.isFinite(n) && n >= 0, 'a non-negative number'),
    apiKey: values.get('api-key'),
  };
}

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n\n${HELP}`);
  process.exit(2);
}

const options = parse(process.argv.slice(2));
const mock = await startMockUpstream({ ...options, recordRequests: false });
process.stdout.write(`mock upstream listening on ${mock.url} (counts at GET /mock/stats)\n`);
const stop = () => void mock.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
