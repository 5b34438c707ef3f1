/** Runs `loopscope view FILE` (dist/cli.js) as a child process and waits for the URL it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The built CLI. */
export const CLI = path.join(ROOT, 'dist/cli.js');

/** A running `loopscope view`. */
export interface ViewProcess {
  url: string;
  child: ChildProcess;
  /** Stops it with SIGINT and resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Starts `loopscope view file`; rejects with its output if it exits or prints no URL within `timeoutMs`. */
export function startView(file: string, extraArgs: string[] = [], timeoutMs = 30_000): Promise<ViewProcess> {
  const child = spawn(process.execPath, [CLI, 'view', file, ...extraArgs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`loopscope view printed no URL in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(output);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[0],
        child,
        stop: () => {
          if (child.exitCode === null) child.kill('SIGINT');
          return exited;
        },
      });
    });
    child.once('exit', (code) => fail(new Error(`loopscope view exited with ${code}:\n${output}`)));
  });
}
