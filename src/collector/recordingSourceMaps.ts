/**
 * Mapping a recording on load: one written without source maps applied (an older Loopscope, or
 * files built since) gets its stall and site frames mapped when the emitted files and their maps
 * are on this machine. A recording whose frames were mapped when recorded is left alone.
 */
import type { StackFrame } from '../../model/loopData';
import type { Session } from './sessionStore';
import type { SourceMapper } from './sourceMapper';

/** Maps the stalls and callback sites of sessions read from a recording, in place; returns how many frames changed. */
export async function mapRecordedSessions(sessions: readonly Session[], mapper: SourceMapper): Promise<number> {
  const frames: StackFrame[] = [];
  for (const s of sessions) {
    for (const st of s.stalls) frames.push(...st.stack);
    frames.push(...s.sites.values());
  }
  if (frames.some((f) => f.generated)) return 0;
  await mapper.prepare(frames);
  let changed = 0;
  for (const s of sessions) {
    for (const st of s.stalls) {
      const mapped = mapper.map(st.stack);
      changed += mapped.filter((f, i) => f !== st.stack[i]).length;
      st.stack = mapped;
    }
    for (const [asyncId, site] of s.sites) {
      const { asyncId: _id, ...frame } = site;
      const mapped = mapper.mapFrame(frame);
      if (mapped === frame) continue;
      s.sites.set(asyncId, { asyncId, ...mapped });
      changed++;
    }
  }
  return changed;
}

/**
 * The recording's text with its stall and site frames mapped through what `mapper` has looked up
 * (call after `mapRecordedSessions` found something to map); every other event is kept as it was.
 */
export function mapRecordingText(text: string, mapper: SourceMapper): string {
  const parsed = JSON.parse(text) as unknown;
  const events = Array.isArray(parsed) ? parsed : (parsed as { traceEvents?: unknown } | null)?.traceEvents;
  if (!Array.isArray(events)) return text;
  for (const e of events as { cat?: unknown; args?: Record<string, unknown> }[]) {
    const args = e?.args;
    if (!args) continue;
    if (e.cat === 'loopscope.stall' && Array.isArray(args.stack)) args.stack = mapper.map(args.stack as StackFrame[]);
    else if (e.cat === 'loopscope.site' && typeof args.url === 'string') Object.assign(args, mapper.mapFrame(args as unknown as StackFrame));
  }
  return JSON.stringify(parsed);
}
