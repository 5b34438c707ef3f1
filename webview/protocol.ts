/**
 * The view protocol: every message between the timeline page and its host (the VS Code
 * extension or the standalone page loader). Both ends import this module; nothing else
 * defines message shapes. Times are epoch microseconds (`ts`) and microseconds (`dur`);
 * lines and columns are 1-based, as in the recording file.
 */
import type {
  CallbackSite,
  DispatchChunk,
  GcPause,
  LoopSample,
  PausedInterval,
  PoolSample,
  PoolSaturation,
  RecordingGap,
  Stall,
} from '../model/loopData';


/** Bumped when a message changes shape incompatibly. */
export const VIEW_PROTOCOL_VERSION = 1;

/** One recorded thread as the page shows it (one track). */
export interface SessionDescriptor {
  /** The host's session id; every later message for this thread carries it. */
  id: string;
  pid: number;
  /** Worker thread id; 0 for the main thread. */
  tid: number;
  /** Process title or worker name, shown as the track label. */
  title: string;
  /** True while the agent is still connected (data may keep arriving). */
  live: boolean;
  /** Epoch microseconds when the agent started in this thread. */
  startedAt?: number;
  /** Stall threshold in milliseconds the agent used. */
  stallThresholdMs?: number;
}

/** Dispatches (callbacks the loop ran) in columns; `typeId` indexes `resourceTypes`. */
export interface DispatchesMessage extends DispatchChunk {
  type: 'dispatches';
  sessionId: string;
  /** The session's full resource-type table at the time of sending (later tables only append). */
  resourceTypes: string[];
}

/** Messages from the host to the page. */
export type ToWebview =
  /** A whole recording (Chrome Trace Event JSON text); replaces what is shown. */
  | { type: 'loadTrace'; text: string; name?: string }
  /**
   * One piece of a recording streamed in order (files too large for one message or one string).
   * `seq` 0 starts a new recording and carries its name and size; the page acknowledges each piece
   * with `traceChunkRead` and replaces what it shows only once `loadTraceEnd` arrives.
   */
  | { type: 'loadTraceChunk'; seq: number; text: string; name?: string; totalBytes?: number }
  /** The streamed recording is complete, or (`cancelled`) abandoned: the page keeps what it showed. */
  | { type: 'loadTraceEnd'; cancelled?: boolean }
  /** A new live thread. */
  | { type: 'sessionStarted'; session: SessionDescriptor }
  | DispatchesMessage
  | { type: 'stalls'; sessionId: string; stalls: Stall[] }
  | { type: 'loop'; sessionId: string; samples: LoopSample[] }
  | { type: 'gc'; sessionId: string; pauses: GcPause[] }
  | { type: 'paused'; sessionId: string; intervals: PausedInterval[] }
  | { type: 'sites'; sessionId: string; sites: CallbackSite[] }
  /** Thread-pool pressure: new samples and saturation spans (either list may be empty). */
  | { type: 'pool'; sessionId: string; samples: PoolSample[]; saturations: PoolSaturation[] }
  /** Intervals of the thread's time that were not recorded (the collector was unreachable); drawn hatched. */
  | { type: 'gaps'; sessionId: string; gaps: RecordingGap[] }
  | { type: 'sessionEnded'; sessionId: string; endedAt: number; reason?: string }
  /** Select and scroll to the stall of a session that starts at `ts` (e.g. from "show worst stalls"). */
  | { type: 'revealStall'; sessionId: string; ts: number }
  /** Forget every session. */
  | { type: 'reset' }
  /** Show an error in the page; what is shown stays. */
  | { type: 'error'; message: string };

/** Messages from the page to the host. */
export type FromWebview =
  /** The page has loaded its script and listens; the host sends data after this. */
  | { type: 'ready'; protocolVersion: number }
  /** Open `url` (file:// URL, absolute path or node:…) at a 1-based line and column. */
  | { type: 'openSource'; url: string; lineNumber: number; columnNumber: number }
  /** The user asked to save what is shown as a recording. */
  | { type: 'requestSave' }
  /** A recording finished loading and its first frame is drawn. */
  | { type: 'traceLoaded'; sessions: number; dispatches: number; stalls: number }
  /** The page has taken piece `seq` of a streamed recording (the host sends a few pieces ahead, no more). */
  | { type: 'traceChunkRead'; seq: number }
  /** The page failed to process something (e.g. a malformed recording). */
  | { type: 'viewError'; message: string };

/** Every `type` tag of `ToWebview`. */
export type ToWebviewType = ToWebview['type'];
/** Every `type` tag of `FromWebview`. */
export type FromWebviewType = FromWebview['type'];

const toWebviewTypes: ReadonlySet<string> = new Set<ToWebviewType>([
  'loadTrace', 'sessionStarted', 'dispatches', 'stalls', 'loop', 'gc', 'paused', 'sites', 'pool',
  'sessionEnded', 'revealStall', 'reset', 'error', 'gaps', 'loadTraceChunk', 'loadTraceEnd',
]);

function hasType(value: unknown): value is { type: string } & Record<string, unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** True when `value` has a known `ToWebview` tag (shapes are trusted: the host builds them from typed code). */
export function isToWebview(value: unknown): value is ToWebview {
  return hasType(value) && toWebviewTypes.has(value.type);
}

/** Validates a message received from the page (the host must not trust page input blindly). */
export function isFromWebview(value: unknown): value is FromWebview {
  if (!hasType(value)) return false;
  switch (value.type) {
    case 'ready':
      return isNum(value.protocolVersion);
    case 'openSource':
      return isStr(value.url) && value.url.length > 0 && isNum(value.lineNumber) && value.lineNumber >= 1
        && isNum(value.columnNumber) && value.columnNumber >= 1;
    case 'requestSave':
      return true;
    case 'traceLoaded':
      return isNum(value.sessions) && isNum(value.dispatches) && isNum(value.stalls);
    case 'viewError':
      return isStr(value.message);
    case 'traceChunkRead':
      return isNum(value.seq) && value.seq >= 0;
    default:
      return false;
  }
}
