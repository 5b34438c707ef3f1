/** A minimal Chrome DevTools Protocol client over WebSocket, for a Node process's inspector. */
import WebSocket from 'ws';

/** How long one protocol request may take. */
const REQUEST_TIMEOUT_MS = 10_000;

interface Reply {
  id: number;
  result?: Record<string, unknown>;
  error?: { message?: string };
}

/** One connection to an inspector target (`webSocketDebuggerUrl`). */
export class InspectorClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(r: Reply): void; reject(e: Error): void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      try {
        const reply = JSON.parse(String(data)) as Reply;
        const waiter = this.pending.get(reply.id);
        if (!waiter) return; // an event: none are enabled, but never mind
        this.pending.delete(reply.id);
        waiter.resolve(reply);
      } catch {
        // not ours to understand
      }
    });
    socket.on('close', () => this.failAll(new Error('the inspector closed the connection')));
    socket.on('error', (e) => this.failAll(e));
  }

  /** Connects; rejects with the reason the inspector refused, or a timeout. */
  static connect(url: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<InspectorClient> {
    return new Promise((resolve, reject) => {
      // Inspector URLs are loopback; no proxy, no compression, no redirects.
      const socket = new WebSocket(url, { perMessageDeflate: false, followRedirects: false, handshakeTimeout: timeoutMs });
      const fail = (e: Error) => {
        socket.removeAllListeners();
        socket.on('error', () => {});
        socket.terminate();
        reject(e);
      };
      socket.once('open', () => {
        socket.removeAllListeners();
        resolve(new InspectorClient(socket));
      });
      socket.once('unexpected-response', (_req, res) => fail(new Error(`the inspector refused the connection (HTTP ${res.statusCode})`)));
      socket.once('error', fail);
    });
  }

  /** Sends one request; resolves with its result, rejects with its error. */
  call(method: string, params: Record<string, unknown> = {}, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      if (this.socket.readyState !== WebSocket.OPEN) {
        reject(new Error('the inspector connection is closed'));
        return;
      }
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} did not answer within ${timeoutMs} ms (is the program blocked?)`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          if (r.error) reject(new Error(`${method}: ${r.error.message ?? 'failed'}`));
          else resolve(r.result ?? {});
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /**
   * Evaluates `expression` in the program's main context and returns its value. The console's
   * command-line API lends it a `require`, even in an ES module program.
   */
  async evaluate(expression: string, options: { awaitPromise?: boolean; timeoutMs?: number } = {}): Promise<unknown> {
    const result = await this.call('Runtime.evaluate', {
      expression,
      includeCommandLineAPI: true,
      returnByValue: true,
      awaitPromise: options.awaitPromise === true,
      silent: true,
    }, options.timeoutMs);
    const details = result.exceptionDetails as { text?: string; exception?: { description?: string } } | undefined;
    if (details) throw new Error(details.exception?.description?.split('\n')[0] ?? details.text ?? 'the evaluation threw');
    return (result.result as { value?: unknown } | undefined)?.value;
  }

  /** Closes the connection and waits (bounded) until it is closed. */
  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.socket.terminate();
        resolve();
      }, 2000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.close();
    });
  }

  private failAll(e: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(e);
    this.pending.clear();
  }
}
