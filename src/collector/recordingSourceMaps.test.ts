import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { StackFrame } from '../../model/loopData';
import { importRecording } from './recording';
import { mapRecordedSessions, mapRecordingText } from './recordingSourceMaps';
import { SessionStore } from './sessionStore';
import { SourceMapper } from './sourceMapper';

const SOURCE = ['type A = { a: number };', 'interface B { b: string }', '', 'export function spin(): void {', '  for (;;) tick();', '}', 'function tick(): void {}'].join('\n');

/** A tsc build on disk and a recording of a stall (plus a callback site) at its emitted spin loop, unmapped. */
function unmappedRecording(): { text: string; js: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-rsm-'));
  const out = ts.transpileModule(SOURCE, { fileName: 'spin.ts', compilerOptions: { sourceMap: true, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } });
  const js = path.join(dir, 'spin.js');
  writeFileSync(js, out.outputText);
  writeFileSync(`${js}.map`, out.sourceMapText!);
  const lines = out.outputText.split('\n');
  const line = lines.findIndex((l) => l.includes('tick()')) + 1;
  const frame = { functionName: 'spin', url: js, lineNumber: line, columnNumber: lines[line - 1].indexOf('tick()') + 1 };
  const events = [
    { ph: 'X', cat: 'loopscope.stall', name: 'stall', pid: 1, tid: 1, ts: 10, dur: 100, args: { stack: [frame], captured: 'interrupt' } },
    { ph: 'i', s: 't', cat: 'loopscope.site', name: 'site', pid: 1, tid: 1, ts: 5, args: { asyncId: 7, ...frame } },
    { ph: 'X', cat: 'other.tool', name: 'foreign', pid: 1, tid: 1, ts: 1, dur: 1, args: { keep: true } },
  ];
  return { text: JSON.stringify({ traceEvents: events, metadata: { note: 'kept' } }), js };
}

const store = () => new SessionStore({ maxEvents: Number.MAX_SAFE_INTEGER, maxAgeMs: Number.MAX_SAFE_INTEGER });

describe('mapping a recording on load', () => {
  it('maps stalls and sites of a recording made without source maps, and its text the same way', async () => {
    const { text, js } = unmappedRecording();
    const mapper = new SourceMapper();
    const sessions = importRecording(store(), text);
    expect(await mapRecordedSessions(sessions, mapper)).toBe(2);
    const tsFile = path.join(path.dirname(js), 'spin.ts');
    expect(sessions[0].stalls[0].stack[0]).toMatchObject({ url: tsFile, lineNumber: 5, generated: { url: js } });
    expect(sessions[0].sites.get(7)).toMatchObject({ asyncId: 7, url: tsFile, lineNumber: 5 });
    const mapped = JSON.parse(mapRecordingText(text, mapper)) as { traceEvents: { cat: string; args: Record<string, unknown> }[]; metadata: unknown };
    expect((mapped.traceEvents[0].args.stack as StackFrame[])[0]).toMatchObject({ url: tsFile, lineNumber: 5, generated: { url: js } });
    expect(mapped.traceEvents[1].args).toMatchObject({ asyncId: 7, url: tsFile, lineNumber: 5 });
    expect(mapped.traceEvents[2].args).toEqual({ keep: true });
    expect(mapped.metadata).toEqual({ note: 'kept' });
  });

  it('leaves a recording alone that was mapped when recorded', async () => {
    const { text } = unmappedRecording();
    const mapper = new SourceMapper();
    const once = mapRecordingText(text, (await mapRecordedSessions(importRecording(store(), text), mapper), mapper));
    const again = importRecording(store(), once);
    const before = JSON.stringify(again[0].stalls);
    expect(await mapRecordedSessions(again, new SourceMapper())).toBe(0);
    expect(JSON.stringify(again[0].stalls)).toBe(before);
  });
});
