/**
 * The page's one connection to its host. In VS Code it talks to the extension through
 * `acquireVsCodeApi()`; standalone it loads the recording from the view server and keeps what it
 * would have posted on `window.loopscopePosted`, so a test can read the messages.
 */
import { isToWebview, VIEW_PROTOCOL_VERSION, type FromWebview, type ToWebview } from './protocol';

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

/** Connects to the host; `onMessage` receives every valid host message. */
export function connectHost(mode: PageMode, onMessage: (msg: ToWebview) => void, initialTraceUrl?: string): HostBridge {
  const vscode = mode === 'vscode' && typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  const posted: FromWebview[] = (window.loopscopePosted ??= []);
  const bridge: HostBridge = {
    mode,
    post(message) {
      posted.push(message);
      vscode?.postMessage(message);
    },
  };
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    // Standalone, only this page itself may send (e.g. a test driving it); VS Code checks origins itself.
    if (mode === 'standalone' && event.origin !== window.location.origin) return;
    if (isToWebview(event.data)) onMessage(event.data);
  });
  bridge.post({ type: 'ready', protocolVersion: VIEW_PROTOCOL_VERSION });
  if (mode === 'standalone' && initialTraceUrl) void loadTrace(initialTraceUrl, onMessage);
  return bridge;
}

async function loadTrace(url: string, onMessage: (msg: ToWebview) => void): Promise<void> {
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`the view server answered ${res.status} ${res.statusText}`);
    onMessage({ type: 'loadTrace', text: await res.text(), name: url });
  } catch (err) {
    onMessage({ type: 'error', message: `Could not load the recording: ${(err as Error).message}` });
  }
}
