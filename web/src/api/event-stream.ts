import { SseParser } from './sse-parser';
import type { StoredEvent } from './types';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface EventStreamOptions {
  token: string;
  /** Called once per chunk received with every event it completed, oldest first. */
  onEvents: (events: StoredEvent[]) => void;
  onStatus?: (status: StreamStatus) => void;
  /** The token was refused: the stream stops for good. */
  onUnauthenticated?: () => void;
}

export interface EventStream {
  close(): void;
}

const MAX_RETRY_MS = 10_000;

/**
 * Follows `GET /v1/events/stream` (Server-Sent Events) with `fetch` rather than `EventSource`:
 * EventSource cannot send an Authorization header, and the alternative, a token in the URL, would
 * land in server logs, proxies and browser history. The stream authenticates like every other
 * request, and a reconnection resumes after the last event seen (`Last-Event-ID`), so nothing is
 * missed or shown twice.
 */
export function openEventStream(options: EventStreamOptions): EventStream {
  const controller = new AbortController();
  let lastId: string | null = null;
  let retryMs = 500;
  let stopped = false;

  const status = (s: StreamStatus) => options.onStatus?.(s);

  const run = async (): Promise<void> => {
    while (!stopped) {
      status(lastId === null ? 'connecting' : 'reconnecting');
      try {
        const headers: Record<string, string> = {
          authorization: `Bearer ${options.token}`,
          accept: 'text/event-stream',
        };
        if (lastId !== null) headers['last-event-id'] = lastId;
        const response = await fetch('/v1/events/stream', {
          headers,
          signal: controller.signal,
          cache: 'no-store',
        });
        if (response.status === 401) {
          stopped = true;
          options.onUnauthenticated?.();
          break;
        }
        if (!response.ok || response.body === null) throw new Error(`stream: ${response.status}`);
        status('live');
        retryMs = 500;
        await readEvents(response.body, (events, id) => {
          if (id !== null) lastId = id;
          if (events.length > 0) options.onEvents(events);
        });
      } catch (error) {
        if (stopped || controller.signal.aborted) break;
        console.warn('event stream interrupted', error);
      }
      status('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, retryMs));
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    }
    status('closed');
  };
  void run();

  return {
    close() {
      stopped = true;
      controller.abort();
    },
  };
}

async function readEvents(
  body: ReadableStream<Uint8Array>,
  deliver: (events: StoredEvent[], lastId: string | null) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    const { events, lastId } = parser.push(decoder.decode(value, { stream: true }));
    deliver(events, lastId);
  }
}
