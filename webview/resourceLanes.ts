/** Groups Node's async resource types into the lanes a track shows. */

/** Lanes in display order. */
export const LANE_KINDS = ['timers', 'immediates', 'ticks', 'io', 'network', 'promises', 'other'] as const;

/** One lane of a track. */
export type LaneKind = (typeof LANE_KINDS)[number];

/** Human labels for the lanes. */
export const LANE_LABELS: Record<LaneKind, string> = {
  timers: 'Timers',
  immediates: 'Immediates',
  ticks: 'Ticks',
  io: 'I/O',
  network: 'Network',
  promises: 'Promises',
  other: 'Other',
};

const exact: Record<string, LaneKind> = {
  Timeout: 'timers',
  Timer: 'timers',
  TIMERWRAP: 'timers',
  Immediate: 'immediates',
  TickObject: 'ticks',
  Microtask: 'ticks',
  PROMISE: 'promises',
  FSREQCALLBACK: 'io',
  FSREQPROMISE: 'io',
  FSEVENTWRAP: 'io',
  STATWATCHER: 'io',
  FILEHANDLE: 'io',
  FILEHANDLECLOSEREQ: 'io',
  ZLIB: 'io',
  TTYWRAP: 'io',
  PROCESSWRAP: 'io',
  SIGNALWRAP: 'io',
};

/** The lane a resource type (as `async_hooks` names it) belongs in. */
export function laneOf(resourceType: string): LaneKind {
  const known = exact[resourceType];
  if (known) return known;
  if (/^(TCP|UDP|TLS|PIPE|HTTP|HTTP2|GETADDRINFO|GETNAMEINFO|QUERY|DNS|WRITEWRAP|SHUTDOWNWRAP|JSSTREAM)/.test(resourceType)) {
    return 'network';
  }
  if (/^(FS|FILE)/.test(resourceType)) return 'io';
  return 'other';
}
