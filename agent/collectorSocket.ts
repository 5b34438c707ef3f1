/**
 * The transport worker's WebSocket client: only what talking to our own collector on loopback
 * needs (RFC 6455 handshake, unfragmented text and binary frames out, ping/close in). It replaces
 * `ws` in the agent because loading `ws` (and the http/https/tls modules it pulls in) cost 5.4 MB
 * of RSS in the worker's isolate, measured here, a third of the agent's memory; this uses `net`
 * and `crypto` only (+0.7 MB). Frames are masked with an all-zero key, which leaves the payload
 * as it is: masking in JavaScript was most of the transport's CPU at high event rates.
 */
import net from 'node:net';
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX_HANDSHAKE_BYTES = 16 * 1024;

/** Options of a connection. */
export interface CollectorSocketOptions {
  headers: Record<string, string>;
  /** The connection fails when the upgrade has not completed in this many ms. */
  handshakeTimeout: number;
}

/**
 * Emits 'open' once upgraded, 'error' on any failure, and 'close' exactly once when the
 * connection is gone (after an 'error' too), like the part of `ws` the link used.
 */
export class CollectorSocket extends EventEmitter {
  private readonly socket: net.Socket;
  private open = false;
  private closed = false;
  private handshake: Buffer | undefined = Buffer.alloc(0);
  private incoming = Buffer.alloc(0);
  private readonly timer: NodeJS.Timeout;

  constructor(url: string, options: CollectorSocketOptions) {
    super();
    const u = new URL(url);
    if (u.protocol !== 'ws:') throw new Error(`unsupported protocol ${u.protocol}`);
    const key = crypto.randomBytes(16).toString('base64');
    const expected = crypto.createHash('sha1').update(key + GUID).digest('base64');
    this.socket = net.connect({ host: u.hostname, port: Number(u.port || 80) });
    this.socket.setNoDelay(true);
    this.timer = setTimeout(() => this.fail(new Error('handshake timeout')), options.handshakeTimeout);
    this.socket.on('connect', () => {
      const lines = [`GET ${u.pathname || '/'}${u.search} HTTP/1.1`, `Host: ${u.host}`, 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13'];
      for (const [name, value] of Object.entries(options.headers)) lines.push(`${name}: ${value}`);
      this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    this.socket.on('data', (chunk: Buffer) => {
      try {
        if (this.handshake) this.onHandshakeData(chunk, expected);
        else this.onFrames(chunk);
      } catch (e) {
        this.fail(e as Error);
      }
    });
    this.socket.on('error', (e) => this.fail(e));
    this.socket.on('close', () => this.finish());
  }

  /** Bytes queued for the socket and not yet handed to the kernel. */
  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  /** Sends one text (string) or binary frame; ignored unless open. */
  send(data: string | Float64Array): void {
    if (!this.open) return;
    const payload = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const n = payload.length;
    const header = Buffer.alloc(n < 126 ? 6 : n < 65536 ? 8 : 14); // mask key bytes stay zero
    header[0] = 0x80 | (typeof data === 'string' ? 1 : 2);
    if (n < 126) header[1] = 0x80 | n;
    else if (n < 65536) {
      header[1] = 0x80 | 126;
      header.writeUInt16BE(n, 2);
    } else {
      header[1] = 0x80 | 127;
      header.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
      header.writeUInt32BE(n >>> 0, 6);
    }
    // One writev for both: a separate small write would be its own syscall.
    this.socket.cork();
    this.socket.write(header);
    this.socket.write(payload);
    this.socket.uncork();
  }

  /** Closes politely (a close frame, then the end of the stream). */
  close(): void {
    if (this.open) {
      this.socket.write(Buffer.from([0x88, 0x80, 0, 0, 0, 0]));
      this.open = false;
    }
    this.socket.end();
  }

  private onHandshakeData(chunk: Buffer, expected: string): void {
    const all = Buffer.concat([this.handshake!, chunk]);
    const end = all.indexOf('\r\n\r\n');
    if (end < 0) {
      if (all.length > MAX_HANDSHAKE_BYTES) throw new Error('handshake too long');
      this.handshake = all;
      return;
    }
    const head = all.subarray(0, end).toString('latin1').split('\r\n');
    if (!/^HTTP\/1\.1 101 /.test(head[0])) throw new Error(`unexpected response ${head[0]}`);
    const accept = head.find((l) => /^sec-websocket-accept:/i.test(l))?.slice(21).trim();
    if (accept !== expected) throw new Error('bad Sec-WebSocket-Accept');
    this.handshake = undefined;
    clearTimeout(this.timer);
    this.open = true;
    this.emit('open');
    const rest = all.subarray(end + 4);
    if (rest.length) this.onFrames(rest);
  }

  /** The collector sends no data; answers pings and closes. */
  private onFrames(chunk: Buffer): void {
    let buf = this.incoming.length ? Buffer.concat([this.incoming, chunk]) : chunk;
    for (;;) {
      if (buf.length < 2) break;
      const opcode = buf[0] & 0x0f;
      let len = buf[1] & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (buf.length < 4) break;
        len = buf.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (buf.length < 10) break;
        len = buf.readUInt32BE(2) * 2 ** 32 + buf.readUInt32BE(6);
        offset = 10;
      }
      const masked = (buf[1] & 0x80) !== 0;
      const maskAt = offset;
      if (masked) offset += 4;
      if (buf.length < offset + len) break;
      const payload = Buffer.from(buf.subarray(offset, offset + len));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i] ^= buf[maskAt + (i & 3)];
      buf = buf.subarray(offset + len);
      if (opcode === 0x9) this.control(0xa, payload);
      else if (opcode === 0x8) {
        this.control(0x8, payload.subarray(0, 2));
        this.open = false;
        this.socket.end();
      }
    }
    this.incoming = Buffer.from(buf);
  }

  private control(opcode: number, payload: Buffer): void {
    if (!this.open || payload.length > 125) return;
    this.socket.write(Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length, 0, 0, 0, 0]), payload]));
  }

  private fail(e: Error): void {
    if (this.closed) return;
    if (this.listenerCount('error')) this.emit('error', e);
    this.socket.destroy();
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.open = false;
    clearTimeout(this.timer);
    this.emit('close');
  }
}
