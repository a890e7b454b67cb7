import { useEffect, useState } from 'preact/hooks';
import { getJson } from './api';

export interface Polled<T> {
  data?: T;
  error?: string;
}

/**
 * GETs `path` now and every `everyMs` while `keepGoing(data)` says so (the page stays live from the
 * status events the server follows); a failed request is shown and tried again.
 */
export function usePoll<T>(
  path: string,
  everyMs: number,
  keepGoing: (data: T) => boolean = () => true,
): Polled<T> {
  const [state, setState] = useState<Polled<T>>({});
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      let again = true;
      try {
        const data = await getJson<T>(path);
        if (stopped) return;
        setState({ data });
        again = keepGoing(data);
      } catch (e) {
        if (stopped) return;
        setState((s) => ({ ...s, error: (e as Error).message }));
      }
      if (again && !stopped) timer = setTimeout(() => void tick(), everyMs);
    };
    setState({});
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [path, everyMs]);
  return state;
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatTime(t: number | null | undefined): string {
  return t === null || t === undefined ? '—' : new Date(t).toLocaleTimeString();
}
