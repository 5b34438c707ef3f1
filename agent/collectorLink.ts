import type WebSocket from 'ws';
import { TOKEN_HEADER, type AgentMessage, type HelloMessage } from './protocol';

/** Bytes kept for sending while the collector is slow or away; older dispatch frames go first. */
const BACKLOG_LIMIT_BYTES = 16 * 1024 * 1024;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5000;

interface Pending {
  data: string | Float64Array;
  bytes: number;
  records: number;
}

/**
 * The worker's connection to the collector: sends hello first on every connection, keeps a
 * bounded backlog across reconnects, retries quietly with backoff, and counts what it drops.
 */
export class CollectorLink {
  /** Dispatch records dropped because the backlog was full. */
  droppedRecords = 0;
  private socket: WebSocket | undefined;
  private open = false;
  private readonly backlog: Pending[] = [];
  private backlogBytes = 0;
  private readonly typeNames: string[] = [];
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private failedOnce = false;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly hello: HelloMessage,
  ) {}

  /** Starts (or restarts) the connection. */
  connect(): void {
    this.retryTimer = undefined;
    let socket: WebSocket;
    try {
      // Loaded on first use so that the watchdog is running before ws is evaluated.
      const WebSocketClass = require('ws') as typeof WebSocket;
      socket = new WebSocketClass(this.url, {
        headers: { [TOKEN_HEADER]: this.token },
        perMessageDeflate: false,
        handshakeTimeout: 5000,
        // An all-zero mask makes ws skip masking: the frames never leave loopback, and masking
        // in JavaScript was most of the transport's CPU at high event rates.
        generateMask: (mask: Buffer) => mask.fill(0),
      });
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.on('open', () => {
      this.open = true;
      this.failedOnce = false;
      this.retryMs = RETRY_MIN_MS;
      socket.send(JSON.stringify(this.hello));
      if (this.typeNames.length) socket.send(JSON.stringify({ t: 'types', from: 0, names: this.typeNames }));
      for (const p of this.backlog.splice(0)) socket.send(p.data);
      this.backlogBytes = 0;
    });
    socket.on('error', () => {
      this.failedOnce = true;
    });
    socket.on('close', () => {
      this.open = false;
      this.socket = undefined;
      this.failedOnce = true;
      this.scheduleRetry();
    });
  }

  /** Records new resource type names (resent after a reconnect) and sends them. */
  addTypes(from: number, names: string[]): void {
    for (let i = 0; i < names.length; i++) this.typeNames[from + i] = names[i];
    this.send({ t: 'types', from, names });
  }

  /** Sends one JSON message, or keeps it for the next connection. */
  send(message: AgentMessage): void {
    const text = JSON.stringify(message);
    this.enqueue({ data: text, bytes: text.length, records: 0 });
  }

  /** Connected with nothing waiting to be written: the event loop has no socket work pending. */
  get quiet(): boolean {
    return this.sendable() && this.socket!.bufferedAmount === 0 && this.backlog.length === 0;
  }

  /** Sends one binary dispatch frame holding `records` records. */
  sendBinary(frame: Float64Array, records: number): void {
    this.enqueue({ data: frame, bytes: frame.byteLength, records });
  }

  /**
   * Resolves once everything queued has been written to the socket, or when no collector can be
   * reached, or after `timeoutMs`.
   */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.quiet) return;
      if (!this.open && this.failedOnce) return;
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  private enqueue(p: Pending): void {
    if (this.sendable()) {
      if (this.socket!.bufferedAmount + p.bytes <= BACKLOG_LIMIT_BYTES) {
        this.socket!.send(p.data);
      } else {
        this.droppedRecords += p.records;
      }
      return;
    }
    this.backlog.push(p);
    this.backlogBytes += p.bytes;
    // Drop the oldest dispatch frames first; control messages (stalls, samples) are small and kept.
    for (let i = 0; this.backlogBytes > BACKLOG_LIMIT_BYTES && i < this.backlog.length; ) {
      const old = this.backlog[i];
      if (old.records > 0) {
        this.backlog.splice(i, 1);
        this.backlogBytes -= old.bytes;
        this.droppedRecords += old.records;
      } else i++;
    }
  }

  /**
   * Open, and not closing: ws drops what is sent once the collector's close frame is in, which
   * comes a loop turn before the 'close' event; kept in the backlog, it goes to the next connection.
   */
  private sendable(): boolean {
    return this.open && this.socket !== undefined && this.socket.readyState === 1; // WebSocket.OPEN
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => this.connect(), this.retryMs);
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }
}
