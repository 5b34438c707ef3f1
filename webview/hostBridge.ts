/**
 * The page's one connection to its host. In VS Code it talks to the extension through
 * `acquireVsCodeApi()`; standalone it loads the recording from the view server and keeps what it
 * would have posted on `window.loopscopePosted`, so a test can read the messages.
 */
import { isToWebview, VIEW_PROTOCOL_VERSION, type FromWebview, type ToWebview } from './protocol';
import { parseTraceStream, type ParsedTrace } from './traceParser';
import { TraceChunkReceiver } from './traceChunkReceiver';

/** How the page runs. */
export type PageMode = 'vscode' | 'standalone';

interface VsCodeApi {
  postMessage(message: unknown): void;
}

declare global {
  interface Window {
    /** Messages the standalone page would have posted to a host (read by tests). */
    loopscopePosted?: FromWebview[];
  }
  /** Provided by VS Code inside webviews (and by test stubs). */
  function acquireVsCodeApi(): VsCodeApi;
}

/** Sends messages to the host. */
export interface HostBridge {
  readonly mode: PageMode;
  post(message: FromWebview): void;
}

/** What the page does with what comes from its host. */
export interface HostHandlers {
  /** Every valid host message. */
  message(msg: ToWebview): void;
  /** A recording the page fetched and parsed itself (standalone). */
  trace(parsed: ParsedTrace): void;
  /** Characters of that recording read so far. */
  progress(chars: number): void;
  /** A streamed recording was cancelled by the host; what was shown stays. */
  cancelled?(): void;
}

/** Connects to the host. */
export function connectHost(mode: PageMode, handlers: HostHandlers, initialTraceUrl?: string): HostBridge {
  const vscode = mode === 'vscode' && typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  const posted: FromWebview[] = (window.loopscopePosted ??= []);
  const bridge: HostBridge = {
    mode,
    post(message) {
      posted.push(message);
      vscode?.postMessage(message);
    },
  };
  // A recording streamed by the host in pieces goes to the streaming parser, like a fetched one.
  const chunks = new TraceChunkReceiver({
    trace: (parsed) => handlers.trace(parsed),
    progress: (chars) => handlers.progress(chars),
    error: (message) => handlers.message({ type: 'error', message }),
    read: (seq) => bridge.post({ type: 'traceChunkRead', seq }),
    cancelled: () => handlers.cancelled?.(),
  });
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    // Standalone, only this page itself may send (e.g. a test driving it); VS Code checks origins itself.
    if (mode === 'standalone' && event.origin !== window.location.origin) return;
    if (!isToWebview(event.data)) return;
    if (TraceChunkReceiver.handles(event.data)) chunks.receive(event.data);
    else handlers.message(event.data);
  });
  bridge.post({ type: 'ready', protocolVersion: VIEW_PROTOCOL_VERSION });
  if (mode === 'standalone' && initialTraceUrl) void loadTrace(initialTraceUrl, handlers);
  return bridge;
}

/** The body of a response as text pieces, decoded as they arrive. */
async function* textPieces(res: Response): AsyncGenerator<string> {
  if (!res.body) {
    yield await res.text();
    return;
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    yield decoder.decode(value, { stream: true });
  }
  const last = decoder.decode();
  if (last) yield last;
}

/** Streams the recording from the view server into the parser, so files beyond one string's size load too. */
async function loadTrace(url: string, handlers: HostHandlers): Promise<void> {
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`the view server answered ${res.status} ${res.statusText}`);
    handlers.trace(await parseTraceStream(textPieces(res), (chars) => handlers.progress(chars)));
  } catch (err) {
    handlers.message({ type: 'error', message: err instanceof Error && err.name === 'TraceParseError' ? err.message : `Could not load the recording: ${(err as Error).message}` });
  }
}
