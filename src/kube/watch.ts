// One watch response: newline-delimited JSON events, ended exactly once — by the server (timeoutSeconds), by an
// in-stream ERROR Status (410 Expired and friends), by a broken connection, or by stop().
import type http from 'node:http';
import type { KubeObject, WatchEventType, WatchHandle } from './api.ts';
import { statusError } from './rest.ts';

const eventTypes = new Set<string>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);

interface RawEvent {
  type?: unknown;
  object?: unknown;
}

export class WatchStream implements WatchHandle {
  private done = false;
  private req: http.ClientRequest | undefined;

  constructor(
    private readonly context: string,
    private readonly onEvent: (type: WatchEventType, obj: KubeObject) => void,
    private readonly onDone: (err?: unknown) => void,
  ) {}

  stop(): void {
    this.finish(undefined);
  }

  /** Ends a watch that never got a response. */
  fail(err: unknown): void {
    this.finish(err);
  }

  /** Takes over an opened response: reads events from a 200, turns anything else into the Status error. */
  attach(req: http.ClientRequest, res: http.IncomingMessage): void {
    this.req = req;
    // Errors after finish() still need listeners, or they would crash the process.
    req.on('error', (err) => {
      this.finish(err);
    });
    res.on('error', (err) => {
      this.finish(err);
    });
    if (this.done) {
      req.destroy();
      return;
    }
    res.setEncoding('utf8');
    if (res.statusCode !== 200) {
      this.readError(res);
      return;
    }
    let buffer = '';
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let newline = buffer.indexOf('\n');
      while (newline >= 0 && !this.done) {
        this.line(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
      }
    });
    res.on('end', () => {
      if (buffer.trim() !== '') this.line(buffer);
      this.finish(undefined, false);
    });
    res.on('close', () => {
      this.finish(res.complete ? undefined : new Error(`${this.context}: watch connection closed`));
    });
  }

  private readError(res: http.IncomingMessage): void {
    let body = '';
    res.on('data', (chunk: string) => (body += chunk));
    res.on('end', () => {
      this.finish(statusError(res.statusCode ?? 0, body, this.context), false);
    });
    res.on('close', () => {
      this.finish(statusError(res.statusCode ?? 0, body, this.context));
    });
  }

  private line(text: string): void {
    if (text.trim() === '') return;
    let event: RawEvent;
    try {
      event = JSON.parse(text) as RawEvent;
    } catch (err) {
      this.finish(new Error(`${this.context}: malformed watch event`, { cause: err }));
      return;
    }
    if (event.type === 'ERROR') {
      this.finish(statusError(500, event.object, this.context));
      return;
    }
    // Unknown event types are skipped rather than guessed at.
    if (typeof event.type !== 'string' || !eventTypes.has(event.type)) return;
    if (typeof event.object !== 'object' || event.object === null) return;
    try {
      this.onEvent(event.type as WatchEventType, event.object as KubeObject);
    } catch (err) {
      this.finish(err);
    }
  }

  /** Calls onDone once; `abort` drops the connection (a cleanly ended response keeps it for reuse). */
  private finish(err: unknown, abort = true): void {
    if (this.done) return;
    this.done = true;
    if (abort) this.req?.destroy();
    this.onDone(err);
  }
}
