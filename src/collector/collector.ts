import { EventEmitter } from 'node:events';
import http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { MAX_FRAME_BYTES, TOKEN_HEADER } from '../../agent/protocol';
import { decodeDispatchFrame, decodeTextFrame, ProtocolError } from './frameDecoder';
import { applyMessage, chunkFromBatch, threadInfoFromHello } from './sessionWriter';
import { SessionStore, type Session } from './sessionStore';
import { SourceMapper } from './sourceMapper';
import { InOrder } from './inOrder';
import { framesOf, withMappedFrames } from './mappedMessages';

/** Options of a collector; all optional. */
export interface CollectorOptions {
  /** Where sessions go (default: a new store with default limits). */
  store?: SessionStore;
  /** The token agents must present (default: 128 random bits, hex). */
  token?: string;
  /** Port on 127.0.0.1 (default 0: chosen by the OS). */
  port?: number;
  /** Maps stall and callback-site frames to original sources (default: a new mapper; `false`: frames kept as they ran). */
  sourceMaps?: SourceMapper | false;
}

/** Events of a collector. */
export interface CollectorEvents {
  /** A thread connected and said hello. */
  session: [Session];
  /** Something was refused or broke; the collector goes on. */
  warning: [string];
}

/**
 * The WebSocket server agents stream to. Loopback only; an upgrade without the right token is
 * refused with 401, one from a browser page (it carries an Origin header) with 403; a malformed
 * or oversized frame closes that connection only.
 */
export class Collector extends EventEmitter<CollectorEvents> {
  private readonly sockets = new Set<WebSocket>();

  private constructor(
    private readonly server: http.Server,
    private readonly wss: WebSocketServer,
    readonly token: string,
    readonly store: SessionStore,
    private readonly sourceMaps: SourceMapper | undefined,
  ) {
    super();
  }

  /** Starts a collector on 127.0.0.1. */
  static async start(options: CollectorOptions = {}): Promise<Collector> {
    const token = options.token ?? randomBytes(16).toString('hex');
    const store = options.store ?? new SessionStore();
    const server = http.createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('Loopscope collector: WebSocket only\n');
    });
    const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
    const sourceMaps = options.sourceMaps === false ? undefined : options.sourceMaps ?? new SourceMapper();
    const collector = new Collector(server, wss, token, store, sourceMaps);
    server.on('upgrade', (req, socket, head) => collector.upgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return collector;
  }

  /** The URL agents connect to. */
  get url(): string {
    const address = this.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return `ws://127.0.0.1:${port}`;
  }

  /** Stops accepting, closes every connection (their sessions end, their data stays). */
  async close(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: number, text: string, why: string) => {
      this.emit('warning', `refused a connection (${status} ${text}): ${why}`);
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (req.headers.origin !== undefined) return refuse(403, 'Forbidden', `a browser page (Origin ${String(req.headers.origin).slice(0, 80)}) may not connect`);
    if (!this.tokenMatches(req.headers[TOKEN_HEADER])) return refuse(401, 'Unauthorized', 'wrong or missing token (an agent started by another Loopscope window or recorder?)');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private tokenMatches(given: string | string[] | undefined): boolean {
    if (typeof given !== 'string') return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private accept(ws: WebSocket): void {
    this.sockets.add(ws);
    let session: Session | undefined;
    const fail = (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      this.emit('warning', `closed an agent connection${session ? ` (pid ${session.info.pid})` : ''}: ${message}`);
      ws.close(1008, message.slice(0, 120));
    };
    // A stall whose files' source maps are being read waits for them, and what came after it waits too.
    const order = new InOrder(fail);
    const mapper = this.sourceMaps;
    ws.on('message', (data: RawData, isBinary: boolean) => {
      try {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
        if (isBinary) {
          const batch = decodeDispatchFrame(bytes);
          order.run(() => {
            if (!session) throw new ProtocolError('dispatches before hello');
            this.store.addDispatches(session, chunkFromBatch(batch, session.resourceTypes.length));
          });
          return;
        }
        const message = decodeTextFrame(bytes.toString('utf8'));
        const frames = mapper && framesOf(message);
        order.run(() => {
          if (!session) {
            if (message.t !== 'hello') throw new ProtocolError('first message must be hello');
            session = this.store.open(threadInfoFromHello(message));
            this.emit('session', session);
            return;
          }
          applyMessage(this.store, session, mapper && frames ? withMappedFrames(message, mapper) : message);
        }, frames && mapper?.prepare(frames));
      } catch (error) {
        fail(error);
      }
    });
    ws.on('error', (error) => this.emit('warning', `agent connection error: ${error.message}`));
    ws.on('close', () => {
      this.sockets.delete(ws);
      const at = Date.now() * 1000;
      order.run(() => {
        if (session?.live) this.store.end(session, at, 'connection closed without goodbye');
      });
    });
  }
}
