// Loaded into the server by the benchmark (node --import): records how long the main thread's event
// loop was held up (a request arriving then waits that long). On SIGUSR2 it writes {p50, p99, max} (ms) since the previous signal to
// EVENT_LOOP_REPORT and starts over.
import { renameSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

// The histogram holds the time between two timer ticks `resolution` ms apart: the delay is the rest.
const RESOLUTION = 5;
const histogram = monitorEventLoopDelay({ resolution: RESOLUTION });
histogram.enable();
process.on('SIGUSR2', () => {
  const ms = (ns) => Math.max(0, Math.round(ns / 1e4) / 100 - RESOLUTION);
  const report = process.env.EVENT_LOOP_REPORT;
  writeFileSync(`${report}.tmp`, JSON.stringify({ p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) }));
  renameSync(`${report}.tmp`, report);
  histogram.reset();
});
