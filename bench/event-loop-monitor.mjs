// Loaded into the server by the benchmark (node --import): records how long the main thread's event
// loop was held up (a request arriving then waits that long), and, on Linux, what each hold-up was
// made of: time the main thread ran (the server's own work, garbage collection included) and time
// it was ready but waited for a core (other programs on the machine had them). On SIGUSR2 it writes
// {p50, p99, max, worst: {ms, ran, waited}, maxRan} (ms) since the previous signal to
// EVENT_LOOP_REPORT and starts over.
import { closeSync, openSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

// The histogram holds the time between two timer ticks `resolution` ms apart: the delay is the rest.
const RESOLUTION = 5;
const histogram = monitorEventLoopDelay({ resolution: RESOLUTION });
histogram.enable();

// The main thread's schedstat: nanoseconds run on a CPU, nanoseconds waited for one (runnable).
let schedstat = -1;
try {
  schedstat = openSync('/proc/thread-self/schedstat', 'r');
} catch {
  /* not Linux: delays only */
}
const buf = Buffer.alloc(128);
function sched() {
  const n = readSync(schedstat, buf, 0, buf.length, 0);
  const [ran, waited] = buf.toString('latin1', 0, n).split(' ');
  return { ran: Number(ran) / 1e6, waited: Number(waited) / 1e6 };
}
/** Hold-ups longer than NOTABLE ms are split into run and wait, seen from a timer every TICK ms. */
const TICK = 2;
const NOTABLE = 20;
let worst = { ms: 0, ran: 0, waited: 0 };
let maxRan = 0;
if (schedstat >= 0) {
  let last = performance.now();
  let lastSched = sched();
  setInterval(() => {
    const now = performance.now();
    const s = sched();
    const ms = now - last - TICK;
    if (ms > NOTABLE) {
      const stall = { ms, ran: s.ran - lastSched.ran, waited: s.waited - lastSched.waited };
      if (stall.ms > worst.ms) worst = stall;
      maxRan = Math.max(maxRan, stall.ran);
    }
    last = now;
    lastSched = s;
  }, TICK).unref();
  process.on('exit', () => closeSync(schedstat));
}

const round = (x) => Math.round(x * 10) / 10;
process.on('SIGUSR2', () => {
  const ms = (ns) => Math.max(0, Math.round(ns / 1e4) / 100 - RESOLUTION);
  const report = process.env.EVENT_LOOP_REPORT;
  writeFileSync(`${report}.tmp`, JSON.stringify({
    p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max),
    worst: { ms: round(worst.ms), ran: round(worst.ran), waited: round(worst.waited) }, maxRan: round(maxRan),
  }));
  renameSync(`${report}.tmp`, report);
  histogram.reset();
  worst = { ms: 0, ran: 0, waited: 0 };
  maxRan = 0;
});
