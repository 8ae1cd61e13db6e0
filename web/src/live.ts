/**
 * One EventSource per page load (GET /api/v1/stream), shared by every view: views subscribe to event types and
 * refetch what changed. The browser reconnects by itself; `useLiveStatus` shows whether the stream is up.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

export type LiveType = 'state' | 'incident' | 'agent';
type Handler = (type: LiveType, data: unknown) => void;

const handlers = new Set<Handler>();
const statusListeners = new Set<(up: boolean) => void>();
let source: EventSource | null = null;
let up = false;

function setUp(value: boolean): void {
  up = value;
  for (const l of statusListeners) l(value);
}

export function startLive(): void {
  if (source) return;
  source = new EventSource('/api/v1/stream', { withCredentials: true });
  source.addEventListener('ready', () => setUp(true));
  source.addEventListener('error', () => setUp(false));
  for (const type of ['state', 'incident', 'agent'] as const) {
    source.addEventListener(type, (event) => {
      let data: unknown = null;
      try {
        data = JSON.parse((event as MessageEvent<string>).data);
      } catch {
        return;
      }
      for (const h of handlers) h(type, data);
    });
  }
}

export function stopLive(): void {
  source?.close();
  source = null;
  setUp(false);
}

/** Calls `onEvent` (debounced by `delayMs`) when an event of one of `types` arrives. */
export function useLive(types: readonly LiveType[], onEvent: () => void, delayMs = 250): void {
  const latest = useRef(onEvent);
  latest.current = onEvent;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const handler: Handler = (type) => {
      if (!types.includes(type)) return;
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        latest.current();
      }, delayMs);
    };
    handlers.add(handler);
    return () => {
      handlers.delete(handler);
      if (timer) clearTimeout(timer);
    };
  }, [types.join(','), delayMs]);
}

export function useLiveStatus(): boolean {
  const [value, setValue] = useState(up);
  useEffect(() => {
    statusListeners.add(setValue);
    // The stream may have come up between the first render and this effect: take the value it has now.
    setValue(up);
    return () => void statusListeners.delete(setValue);
  }, []);
  return value;
}

const tickers = new Set<(now: number) => void>();
let tickTimer: ReturnType<typeof setInterval> | null = null;

/**
 * The current time from one shared 1 s timer: only the components that call it re-render each second (a list of 500
 * incidents re-rendered whole every second kept the main thread busy; now only its running countdowns tick).
 */
export function useTick(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    tickers.add(setNow);
    tickTimer ??= setInterval(() => {
      const at = Date.now();
      for (const set of tickers) set(at);
    }, 1000);
    return () => {
      tickers.delete(setNow);
      if (tickers.size === 0 && tickTimer !== null) {
        clearInterval(tickTimer);
        tickTimer = null;
      }
    };
  }, []);
  return now;
}

/** The current time, re-rendering every second (SLA countdowns tick in the browser). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}
