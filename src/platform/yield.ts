/**
 * Lets the event loop run what is waiting (other requests' I/O and timers) before going on: long
 * work on the event loop is done in slices with this in between.
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
