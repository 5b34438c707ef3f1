import inspector from 'node:inspector';

/** The part of an inspector session the watchdog uses; a plain `inspector.Session` is one. */
export interface CaptureSession {
  post(method: string, params: object, callback?: (err: Error | null, result?: any) => void): void;
  on(event: string, listener: (message: { method?: string; params?: any }) => void): void;
  disconnect(): void;
}

/** How long attaching to a worker may take before the capture is given up. */
const ATTACH_TIMEOUT_MS = 1000;

/** A session on the process's main thread, or undefined where none can be had (no inspector there). */
export function connectMainSession(): inspector.Session | undefined {
  const session = new inspector.Session();
  try {
    session.connectToMainThread();
    return session;
  } catch {
    return undefined;
  }
}

/**
 * Opens a session on worker thread `threadId` through the main thread's inspector: a thread's
 * own sessions cannot interrupt it, and `connectToMainThread` always reaches the process's main
 * thread, even from a worker's worker (measured on Node 20). The main thread's `NodeWorker`
 * domain lists every worker, nested ones included, titled `[worker <threadId>]`; messages sent to
 * one are served on it by an interrupt, like a main-thread capture. The route runs through the
 * main thread, so while that thread is inside a long native call the capture waits for it.
 * Every other worker is detached at once; the whole session is dropped after the capture.
 */
export function connectToWorker(threadId: number, ready: (session: CaptureSession | undefined) => void): void {
  const main = connectMainSession();
  if (!main) {
    ready(undefined);
    return;
  }
  const title = `[worker ${threadId}]`;
  let sessionId: string | undefined;
  let settled = false;
  let nextId = 0;
  const pending = new Map<number, (err: Error | null, result?: unknown) => void>();
  const listeners = new Map<string, ((message: { method?: string; params?: unknown }) => void)[]>();
  const close = () => {
    try {
      main.disconnect();
    } catch {
      // already gone
    }
  };
  const settle = (session: CaptureSession | undefined) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (!session) close();
    ready(session);
  };
  const timer = setTimeout(() => settle(undefined), ATTACH_TIMEOUT_MS);
  timer.unref();
  const worker: CaptureSession = {
    post(method, params, callback) {
      const id = ++nextId;
      if (callback) pending.set(id, callback);
      main.post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id, method, params }) }, (err) => {
        if (err && callback) {
          pending.delete(id);
          callback(err);
        }
      });
    },
    on(event, listener) {
      const list = listeners.get(event) ?? [];
      list.push(listener);
      listeners.set(event, list);
    },
    disconnect: close,
  };
  main.on('NodeWorker.attachedToWorker', (m: { params: { sessionId: string; workerInfo: { title: string } } }) => {
    const info = m.params.workerInfo;
    if (!settled && (info.title === title || info.title.startsWith(`${title} `))) {
      sessionId = m.params.sessionId;
      settle(worker);
    } else {
      main.post('NodeWorker.detach', { sessionId: m.params.sessionId });
    }
  });
  main.on('NodeWorker.receivedMessageFromWorker', (m: { params: { sessionId: string; message: string } }) => {
    if (m.params.sessionId !== sessionId) return;
    let message: { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message?: string } };
    try {
      message = JSON.parse(m.params.message);
    } catch {
      return;
    }
    if (message.id !== undefined) {
      const callback = pending.get(message.id);
      pending.delete(message.id);
      callback?.(message.error ? new Error(message.error.message ?? 'inspector error') : null, message.result);
    } else if (message.method) {
      for (const listener of listeners.get(message.method) ?? []) listener({ method: message.method, params: message.params });
    }
  });
  // Existing workers are announced before this answers; a worker that is not among them is gone.
  main.post('NodeWorker.enable', { waitForDebuggerOnStart: false }, () => settle(undefined));
}
