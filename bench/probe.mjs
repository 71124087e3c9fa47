// Latency probe, in a process of its own so that the load generator's work never delays it:
// GETs PROBE_URL every PROBE_INTERVAL_MS ms (with PROBE_AUTHORIZATION, if set) until stdin closes,
// then prints the latencies (ms) as one JSON array on stdout (after a line 'ready' once it has started).
const url = process.env.PROBE_URL;
const interval = Number(process.env.PROBE_INTERVAL_MS ?? 10);
const headers = process.env.PROBE_AUTHORIZATION ? { authorization: process.env.PROBE_AUTHORIZATION } : {};
const times = [];
let running = true;
process.stdin.on('end', () => (running = false)).resume();
// One request first, untimed: a fresh process's first fetch loads the HTTP client and opens the
// connection (tens of milliseconds of the probe's own start-up, not the server's latency).
await (await fetch(url, { headers })).arrayBuffer();
process.stdout.write('ready\n');
while (running) {
  const t = performance.now();
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  times.push(performance.now() - t);
  await new Promise((resolve) => setTimeout(resolve, interval));
}
process.stdout.write(JSON.stringify(times));
