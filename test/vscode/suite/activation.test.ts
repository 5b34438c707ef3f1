// The extension loads in a real extension host and exposes the commands docs/CONTRACTS.md lists.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, getState } from './loopscopeState';

const CONTRACT_COMMANDS = [
  'loopscope.openTimeline', 'loopscope.openRecording', 'loopscope.saveRecording', 'loopscope.showWorstStalls',
  'loopscope.clearSessions', 'loopscope.loadAgentIntoDebugSession', 'loopscope.enableTerminalReporting',
  'loopscope.disableTerminalReporting', 'loopscope.getState', 'loopscope.attachToProcess', 'loopscope.detachProcess',
];

/** Only JSON values (undefined members allowed: JSON drops them), so the snapshot crosses any wire. */
function assertPlainJson(value: unknown, path: string): void {
  if (value === null || value === undefined || ['string', 'number', 'boolean'].includes(typeof value)) return;
  if (Array.isArray(value)) return value.forEach((v, i) => assertPlainJson(v, `${path}[${i}]`));
  assert.equal(Object.getPrototypeOf(value), Object.prototype, `${path} is a plain object`);
  for (const [k, v] of Object.entries(value as object)) assertPlainJson(v, `${path}.${k}`);
}

suite('activation', () => {
  test('the extension is installed and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} not found`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test('it runs where the code runs (remote development: the workspace side)', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { extensionKind?: string[] };
    assert.deepEqual(pkg.extensionKind, ['workspace']);
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.extensionKind, vscode.ExtensionKind.Workspace);
  });

  test('every contract command is registered', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    const missing = CONTRACT_COMMANDS.filter((c) => !all.has(c));
    assert.deepEqual(missing, [], `missing commands: ${missing.join(', ')}`);
  });

  test('contract commands are contributed with the "Loopscope" category (palette titles)', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes?: { commands?: { command: string; category?: string }[] } };
    const contributed = pkg.contributes?.commands ?? [];
    for (const c of CONTRACT_COMMANDS.filter((x) => x !== 'loopscope.getState')) {
      const entry = contributed.find((e) => e.command === c);
      assert.ok(entry, `${c} is not in contributes.commands`);
      assert.equal(entry.category, 'Loopscope', `${c} category`);
    }
  });

  test('loopscope.getState returns a JSON-serialisable snapshot', async () => {
    const state = await getState();
    assert.ok(state, 'getState returned nothing');
    // The collector starts lazily (first debug session), so the URL may be absent here.
    if (state.collectorUrl !== undefined) assert.match(state.collectorUrl, /127\.0\.0\.1|localhost/, 'collector must listen on loopback');
    assert.ok(Array.isArray(state.sessions), 'sessions is an array');
    assert.ok('pausedIntervals' in state, 'pausedIntervals present');
    assert.ok('diagnostics' in state, 'diagnostics present');
    assertPlainJson(state, 'state');
  });

  test('default settings match the contract', () => {
    const cfg = vscode.workspace.getConfiguration('loopscope');
    assert.equal(cfg.get('stallThresholdMs'), 50);
    assert.equal(cfg.get('autoInject'), true);
    assert.equal(cfg.get('trackPromises'), false);
    assert.equal(cfg.get('openTimeline'), 'onFirstProcess');
  });
});
