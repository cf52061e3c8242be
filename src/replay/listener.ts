import { createServer as createHttp1Server } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import type { Http2ServerRequest } from 'node:http2';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';

/** A request of either HTTP version, through Node's compatibility API. */
export type ReplayRequest = IncomingMessage | Http2ServerRequest;
/**
 * The part of a response of either HTTP version, through Node's
 * compatibility API, that the replay server uses.
 */
export interface ReplayResponse {
  writeHead(status: number, headers: OutgoingHttpHeaders): unknown;
  write(chunk: string | Uint8Array): boolean;
  end(): unknown;
  end(chunk: string): unknown;
  destroy(error?: Error): void;
  /** Set on an HTTP/1.1 response when its socket is destroyed. */
  readonly destroyed?: boolean;
  /** The stream of an HTTP/2 response. */
  readonly stream?: { readonly destroyed: boolean; readonly closed: boolean };
}

export type RequestHandler = (
  request: ReplayRequest,
  response: ReplayResponse,
) => void;

/**
 * A TCP listener on 127.0.0.1 that serves HTTP/1.1 and cleartext HTTP/2
 * (h2c with prior knowledge) on one port. SDKs differ: the AWS SDK's
 * Bedrock Runtime client speaks HTTP/2 by default, the others HTTP/1.1.
 */
export class DualProtocolListener {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(handler: RequestHandler) {
    const http1 = createHttp1Server(handler);
    const http2 = createHttp2Server(handler);

    // Without noDelay, Nagle's algorithm holds back each small event of a
    // stream until the client acknowledges the one before.
    this.server = createNetServer({ noDelay: true }, (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.once('data', (head: Buffer) => {
        socket.pause();
        socket.unshift(head);
        if (isHttp2Preface(head)) {
          http2.emit('connection', socket);
          return;
        }
        http1.emit('connection', socket);
        // NOTE: Node's HTTP/1 server reads from the socket's handle and
        // leaves a paused socket paused, so without this the unshifted
        // bytes would never reach its parser. Tested with Node 24.
        socket.resume();
      });
    });
  }

  /** Starts listening on 127.0.0.1 and returns the port. */
  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve) => {
      this.server.listen(port, '127.0.0.1', resolve);
    });
    return this.port();
  }

  /** Returns the port listened on; throws before `listen` and after `close`. */
  port(): number {
    const address = this.server.address() as AddressInfo | null;
    if (!address) {
      throw new Error('The replay server is not listening; call start().');
    }
    return address.port;
  }

  /** Stops listening and closes every open connection, idle or not. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) =>
      this.server.close(() => resolve()),
    );
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await closed;
  }
}

/**
 * Tells whether a connection starts with the HTTP/2 client preface
 * (`PRI * HTTP/2.0`, RFC 9113 section 3.4). No HTTP/1 method is `PRI`.
 */
function isHttp2Preface(head: Buffer): boolean {
  return head.subarray(0, 4).toString('latin1') === 'PRI ';
}
