import type { IncomingHttpHeaders } from 'node:http';
import { isDeepStrictEqual } from 'node:util';

import {
  DualProtocolListener,
  type ReplayRequest,
  type ReplayResponse,
} from './listener.js';
import type { RecordedExchange, Recording } from './recording.js';

/** A request the replay server received, kept for assertions. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The recording whose response was sent, or undefined when none matched. */
  recording?: string;
}

export interface ReplayServerOptions {
  recordings: Recording[];
  /**
   * `strict` responds only to a request whose JSON body equals a recorded
   * one, and `closest` responds with the recorded exchange on the same route whose
   * request is most alike. Default: `closest`.
   */
  match?: 'strict' | 'closest';
  /**
   * Pause between server-sent events, in milliseconds. At 0 the server
   * still yields to the event loop, so each event leaves as a chunk of its
   * own. Default: 1.
   */
  eventDelayMs?: number;
  /** Called with each request once it is matched, or not. */
  onRequest?: (request: ReceivedRequest) => void;
  /**
   * Whether to keep each request in `received`. A long-running server
   * turns it off so that memory stays flat. Default: true.
   */
  keepReceived?: boolean;
}

interface Candidate {
  recording: Recording;
  exchange: RecordedExchange;
  pathname: string;
  uses: number;
}

// Headers that describe the recorded connection, not the replayed one.
const HOP_HEADERS = new Set([
  'connection',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'keep-alive',
  'alt-svc',
]);

/**
 * An HTTP server on 127.0.0.1 that responds to provider API requests with
 * recorded responses, so that real SDK clients can be pointed at it through
 * their `baseURL` option. Server-sent event streams are written one event
 * at a time, and binary bodies (`bodyBase64`) one recorded chunk at a time.
 */
export class ReplayServer {
  readonly received: ReceivedRequest[] = [];

  private readonly candidates: Candidate[];
  private readonly match: 'strict' | 'closest';
  private readonly eventDelayMs: number;
  private readonly onRequest?: (request: ReceivedRequest) => void;
  private readonly keepReceived: boolean;
  private listener?: DualProtocolListener;

  constructor(options: ReplayServerOptions) {
    this.match = options.match ?? 'closest';
    this.eventDelayMs = options.eventDelayMs ?? 1;
    this.onRequest = options.onRequest;
    this.keepReceived = options.keepReceived ?? true;
    this.candidates = options.recordings.flatMap((recording) =>
      recording.exchanges.map((exchange) => ({
        recording,
        exchange,
        pathname: new URL(exchange.request.url).pathname,
        uses: 0,
      })),
    );
  }

  /**
   * Starts listening on 127.0.0.1, for HTTP/1.1 and cleartext HTTP/2, and
   * returns the server's origin. Port 0, the default, picks a free port.
   */
  async start(port = 0): Promise<string> {
    const listener = new DualProtocolListener((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.destroy(error instanceof Error ? error : undefined);
      });
    });
    this.listener = listener;
    await listener.listen(port);
    return this.origin;
  }

  /** The server's origin, such as `http://127.0.0.1:40123`. */
  get origin(): string {
    if (!this.listener) {
      throw new Error('The replay server is not listening; call start().');
    }
    return `http://127.0.0.1:${this.listener.port()}`;
  }

  /** Stops the server and closes every connection, idle or not. */
  async close(): Promise<void> {
    const listener = this.listener;
    if (!listener) {
      return;
    }
    this.listener = undefined;
    await listener.close();
  }

  private async handle(
    request: ReplayRequest,
    response: ReplayResponse,
  ): Promise<void> {
    const text = await readBody(request);
    const body = parseJson(text);
    const pathname = new URL(request.url ?? '/', 'http://replay').pathname;
    const method = request.method ?? 'GET';
    const candidate = this.find(method, pathname, body);

    const received: ReceivedRequest = {
      method,
      path: request.url ?? '/',
      headers: request.headers,
      body,
      recording: candidate?.recording.name,
    };
    if (this.keepReceived) {
      this.received.push(received);
    }
    this.onRequest?.(received);

    if (!candidate) {
      writeJson(response, 404, {
        error: {
          type: 'replay_not_found',
          message:
            `No recorded exchange matches ${method} ${pathname}` +
            `${wantsStream(body) ? ' with stream: true' : ''}. ` +
            'Add a recording of such a request to the folder being served.',
        },
      });
      return;
    }

    candidate.uses += 1;
    await this.write(response, candidate.exchange);
  }

  private find(
    method: string,
    pathname: string,
    body: unknown,
  ): Candidate | undefined {
    // A request for a stream gets only a recorded stream, and the other
    // way round: the SDKs read the wrong kind of body as an empty reply.
    const stream = wantsStream(body);
    const onRoute = this.candidates.filter(
      (candidate) =>
        candidate.exchange.request.method.toUpperCase() === method &&
        candidate.pathname === pathname &&
        wantsStream(candidate.exchange.request.body) === stream,
    );
    const exact = onRoute.filter((candidate) =>
      isDeepStrictEqual(candidate.exchange.request.body, body),
    );

    if (exact.length > 0 || this.match === 'strict') {
      return leastUsed(exact);
    }

    let best: Candidate[] = [];
    let bestScore = -1;
    for (const candidate of onRoute) {
      const score = similarity(candidate.exchange.request.body, body);
      if (score > bestScore) {
        best = [candidate];
        bestScore = score;
      } else if (score === bestScore) {
        best.push(candidate);
      }
    }
    return leastUsed(best);
  }

  private async write(
    response: ReplayResponse,
    exchange: RecordedExchange,
  ): Promise<void> {
    const recorded = exchange.response;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(recorded.headers ?? {})) {
      if (!HOP_HEADERS.has(name.toLowerCase())) {
        headers[name] = value;
      }
    }

    if (recorded.bodyBase64 !== undefined) {
      const chunks = recorded.bodyBase64.map((chunk) =>
        Buffer.from(chunk, 'base64'),
      );
      await this.writeChunks(response, recorded.status, headers, chunks);
      return;
    }

    if (typeof recorded.body !== 'string') {
      writeJson(response, recorded.status, recorded.body ?? {}, headers);
      return;
    }

    const events = splitEvents(recorded.body);
    await this.writeChunks(response, recorded.status, headers, events);
  }

  /**
   * Writes a streamed body one chunk at a time, pausing `eventDelayMs`
   * between chunks, and stops when the client has gone away.
   */
  private async writeChunks(
    response: ReplayResponse,
    status: number,
    headers: Record<string, string>,
    chunks: (string | Buffer)[],
  ): Promise<void> {
    response.writeHead(status, headers);
    for (const chunk of chunks) {
      if (isClosed(response)) {
        return;
      }
      response.write(chunk);
      await pause(this.eventDelayMs);
    }
    response.end();
  }
}

function wantsStream(body: unknown): boolean {
  return isObject(body) && body.stream === true;
}

function leastUsed(candidates: Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const candidate of candidates) {
    if (!best || candidate.uses < best.uses) {
      best = candidate;
    }
  }
  return best;
}

/**
 * Scores how alike two request bodies are: the model weighs most, then
 * the sequence of message roles, then the other top-level fields that are
 * equal. Candidates already agree on the stream flag.
 */
function similarity(recorded: unknown, received: unknown): number {
  if (!isObject(recorded) || !isObject(received)) {
    return 0;
  }

  let score = 0;
  if (recorded.model === received.model) {
    score += 8;
  }
  if (isDeepStrictEqual(roles(recorded), roles(received))) {
    score += 4;
  }
  if (Boolean(recorded.tools) === Boolean(received.tools)) {
    score += 2;
  }
  for (const key of Object.keys(recorded)) {
    if (isDeepStrictEqual(recorded[key], received[key])) {
      score += 1;
    }
  }
  return score;
}

function roles(body: Record<string, unknown>): unknown[] {
  const messages = body.messages ?? body.input;
  if (!Array.isArray(messages)) {
    return [];
  }
  return messages.map((message: unknown) =>
    isObject(message) ? (message.role ?? message.type) : typeof message,
  );
}

/** Splits a server-sent event stream after each blank line. */
function splitEvents(text: string): string[] {
  const events: string[] = [];
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n\n', start);
    if (end === -1) {
      break;
    }
    events.push(text.slice(start, end + 2));
    start = end + 2;
  }
  if (start < text.length) {
    events.push(text.slice(start));
  }
  return events;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Tells whether the client has gone away. An HTTP/2 response has no
 * `destroyed` flag of its own, so its stream's is read.
 */
function isClosed(response: ReplayResponse): boolean {
  if (response.stream) {
    return response.stream.destroyed || response.stream.closed;
  }
  return response.destroyed === true;
}

async function readBody(request: ReplayRequest): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text === '') {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function writeJson(
  response: ReplayResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** Waits between events; at 0 it yields to the event loop only. */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) =>
    ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve),
  );
}
