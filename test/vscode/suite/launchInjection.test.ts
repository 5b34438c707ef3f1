// The debug configuration provider injects the agent through NODE_OPTIONS into a plain
// `type: node` launch, the agent connects (a session appears in getState), and
// `"loopscope": false` in the configuration turns injection off.
import * as assert from 'node:assert/strict';
import { readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, getState } from './loopscopeState';
import { waitUntil } from './waitUntil';

interface Probe { pid: number; nodeOptions: string }

function folder(): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the suite must run with test/vscode/fixtures/workspace open');
  return f;
}

async function launchProbe(name: string, extra: Record<string, unknown>, env: Record<string, string> = {}): Promise<Probe> {
  const out = join(tmpdir(), `loopscope-probe-${process.pid}-${name}-${Date.now()}.json`);
  const started = await vscode.debug.startDebugging(folder(), {
    type: 'node', request: 'launch', name, program: join(folder().uri.fsPath, 'envProbe.js'),
    env: { PROBE_OUT: out, ...env }, console: 'internalConsole', ...extra,
  });
  assert.equal(started, true, 'startDebugging returned false');
  const text = await waitUntil(() => (existsSync(out) ? readFileSync(out, 'utf8') : ''), `the probe to write ${out}`);
  rmSync(out, { force: true });
  return JSON.parse(text) as Probe;
}

/** Debug sessions started and not yet terminated (parent and js-debug's child sessions). */
const live = new Map<string, vscode.DebugSession>();
const tracking = [
  vscode.debug.onDidStartDebugSession((s) => live.set(s.id, s)),
  vscode.debug.onDidTerminateDebugSession((s) => live.delete(s.id)),
];

async function stopAll(): Promise<void> {
  for (const s of [...live.values()].filter((x) => !x.parentSession)) await vscode.debug.stopDebugging(s);
  await waitUntil(() => live.size === 0 || undefined, `debug sessions to end (${[...live.values()].map((s) => s.name).join(', ')})`, 20_000);
}

suite('launch configuration injection', () => {
  suiteSetup(async () => { await vscode.extensions.getExtension(EXTENSION_ID)?.activate(); });
  teardown(stopAll);
  suiteTeardown(() => tracking.forEach((d) => d.dispose()));

  test('a plain type:node launch gets the agent via NODE_OPTIONS and connects', async () => {
    const probe = await launchProbe('inject', {});
    assert.match(probe.nodeOptions, /--require/, `NODE_OPTIONS: ${probe.nodeOptions}`);
    assert.match(probe.nodeOptions, /agent\.js/, `NODE_OPTIONS names the agent: ${probe.nodeOptions}`);
    const session = await waitUntil(async () => (await getState()).sessions.find((s) => s.pid === probe.pid),
      `a getState session for pid ${probe.pid}`);
    assert.equal(session.live, true);
    assert.match((await getState()).collectorUrl ?? '', /(127\.0\.0\.1|localhost):\d+/, 'collector on loopback');
  });

  test('an existing NODE_OPTIONS is extended, not replaced', async () => {
    const probe = await launchProbe('extend', {}, { NODE_OPTIONS: '--max-old-space-size=256' });
    assert.match(probe.nodeOptions, /--max-old-space-size=256/, `NODE_OPTIONS: ${probe.nodeOptions}`);
    assert.match(probe.nodeOptions, /agent\.js/, `NODE_OPTIONS: ${probe.nodeOptions}`);
  });

  test('"loopscope": false turns injection off', async () => {
    const probe = await launchProbe('off', { loopscope: false }, { PROBE_EXIT: '1' });
    assert.doesNotMatch(probe.nodeOptions, /agent\.js/, `NODE_OPTIONS: ${probe.nodeOptions}`);
  });
});
