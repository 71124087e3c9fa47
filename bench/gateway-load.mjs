// Load generator of bench/gateway.ts, in a process of its own. Reads one job (JSON) from argv[2],
// prints its result (JSON) on stdout.
//   {mode: "rate", url, headers, body, rate, seconds}   open loop: sends at a constant rate whatever
//        the answers do (node:http, keep-alive); latency from each request's send to its last byte
//   {mode: "ttfb", url, headers, body, rate, count}     the same for streamed answers: time to the
//        first body byte and to the end
//   {mode: "max", url, headers, body, seconds, connections}   closed loop, as fast as answered (autocannon)
import http from 'node:http';
import autocannon from 'autocannon';

const job = JSON.parse(process.argv[2]);

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const summary = (values) => {
  const sorted = Float64Array.from(values).sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
};

/** Sends `count` requests at `rate` per second; resolves when every answer has ended. */
function openLoop({ url, headers, body, rate, count }) {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const payload = Buffer.from(body);
  const reqHeaders = { ...headers, 'content-length': String(payload.length) };
  const latency = [];
  const firstByte = [];
  const late = [];
  const statuses = {};
  let errors = 0;
  let done = 0;
  return new Promise((resolve) => {
    const finish = () => {
      if (++done === count) {
        agent.destroy();
        resolve({ latency, firstByte, late, statuses, errors });
      }
    };
    const send = (scheduled) => {
      const t0 = performance.now();
      late.push(t0 - scheduled);
      const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname + target.search, method: 'POST', headers: reqHeaders }, (res) => {
        let first = true;
        res.on('data', () => {
          if (first) firstByte.push(performance.now() - t0), (first = false);
        });
        res.on('end', () => {
          latency.push(performance.now() - t0);
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          finish();
        });
        res.on('error', () => (errors++, finish()));
      });
      req.on('error', () => (errors++, finish()));
      req.end(payload);
    };
    const interval = 1000 / rate;
    const start = performance.now();
    let sent = 0;
    const tick = () => {
      const now = performance.now();
      while (sent < count && start + sent * interval <= now) send(start + sent++ * interval);
      if (sent < count) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
}

let result;
if (job.mode === 'rate' || job.mode === 'ttfb') {
  const count = job.count ?? Math.round(job.rate * job.seconds);
  const started = performance.now();
  const r = await openLoop({ ...job, count });
  result = {
    requests: count,
    seconds: (performance.now() - started) / 1000,
    statuses: r.statuses,
    errors: r.errors,
    latency: summary(r.latency),
    firstByte: summary(r.firstByte),
    late: summary(r.late),
  };
} else if (job.mode === 'max') {
  const r = await autocannon({ url: job.url, method: 'POST', headers: job.headers, body: job.body, duration: job.seconds, connections: job.connections });
  result = { requests: r.requests.total, rps: r.requests.total / (r.duration || job.seconds), non2xx: r.non2xx, errors: r.errors, latency: { p50: r.latency.p50, p99: r.latency.p99 } };
} else {
  throw new Error(`unknown mode ${job.mode}`);
}
process.stdout.write(JSON.stringify(result));
