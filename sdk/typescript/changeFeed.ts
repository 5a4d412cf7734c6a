// Reads the change feed (GET /api/v1/events, Server-Sent Events) as events arrive. Hand-written
// and shipped with the generated SDK (the build copies it next to runtime.ts): the generator
// cannot stream a response.
//
//   for await (const event of changeFeed(configuration, { signal })) { ... event.data ... }
//
// When the stream ends (a restart, a proxy timeout) it reconnects with Last-Event-ID, so no change
// is missed or repeated; `lastEventId` on each event is what to pass to resume later.
import { Configuration, ResponseError } from './runtime';
import { ChangeEvent, ChangeEventFromJSON } from './models/ChangeEvent';

export interface ChangeFeedEvent {
  /** The revision: pass it as `lastEventId` to resume after this event. */
  id: string | undefined;
  /** The SSE event name. */
  name: string | undefined;
  data: ChangeEvent;
}

export interface ChangeFeedOptions {
  /** Resume after this revision; '0' replays the history; absent starts at the current one. */
  lastEventId?: string;
  /** Aborting ends the iteration. */
  signal?: AbortSignal;
}

export async function* changeFeed(
  configuration: Configuration,
  options: ChangeFeedOptions = {},
): AsyncGenerator<ChangeFeedEvent> {
  let lastEventId = options.lastEventId;
  const fetchApi = configuration.fetchApi ?? fetch;
  while (!options.signal?.aborted) {
    const headers: Record<string, string> = { Accept: 'text/event-stream', ...configuration.headers };
    if (configuration.accessToken) {
      headers['Authorization'] = `Bearer ${await configuration.accessToken('bearer', [])}`;
    }
    if (lastEventId !== undefined) {
      headers['Last-Event-ID'] = lastEventId;
    }
    let response: Response;
    try {
      response = await fetchApi(`${configuration.basePath}/api/v1/events`, {
        headers,
        signal: options.signal,
      });
    } catch (e) {
      if (options.signal?.aborted) {
        return;
      }
      throw e;
    }
    if (response.status !== 200 || !response.body) {
      throw new ResponseError(response, 'change feed refused');
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let id: string | undefined;
    let name: string | undefined;
    let data: string[] = [];
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) {
          break;
        }
        buffer += chunk.value;
        let end: number;
        while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
          if (line === '') {
            if (data.length > 0) {
              if (id !== undefined) {
                lastEventId = id;
              }
              yield { id, name, data: ChangeEventFromJSON(JSON.parse(data.join('\n'))) };
            }
            id = undefined;
            name = undefined;
            data = [];
            continue;
          }
          if (line.startsWith(':')) {
            continue; // keep-alive comment
          }
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let value = colon < 0 ? '' : line.slice(colon + 1);
          if (value.startsWith(' ')) {
            value = value.slice(1);
          }
          if (field === 'id') {
            id = value;
          } else if (field === 'event') {
            name = value;
          } else if (field === 'data') {
            data.push(value);
          }
        }
      }
    } catch (e) {
      if (options.signal?.aborted) {
        return;
      }
      throw e;
    } finally {
      reader.releaseLock();
    }
    // the stream ended: reconnect after the last event seen
  }
}
