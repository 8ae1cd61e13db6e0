/**
 * Stand-in for mqtt.js's browser-only `worker-timers` in the packaged agent (the same stand-in agent/main.ts
 * registers through the require cache when run from node_modules): in Node mqtt.js uses the native timers.
 */
export const { setInterval, clearInterval, setTimeout, clearTimeout } = globalThis;
