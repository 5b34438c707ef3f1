/** `loopscope view FILE [--port N] [--open]`: serves the timeline of a recording on 127.0.0.1. */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { startViewServer } from '../view/viewServer';

const USAGE = 'usage: loopscope view FILE [--port N] [--open]';

/** Parsed arguments of `loopscope view`. */
export interface ViewArgs {
  file: string;
  port: number;
  open: boolean;
}

/** Parses `view` arguments; returns an error message instead when they are wrong. */
export function parseViewArgs(argv: readonly string[]): ViewArgs | string {
  let file: string | undefined;
  let port = 0;
  let open = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--open') open = true;
    else if (a === '--port' || a.startsWith('--port=')) {
      const value = a === '--port' ? argv[++i] : a.slice('--port='.length);
      port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) return `--port needs a port number (0-65535), got ${value ?? 'nothing'}`;
    } else if (a.startsWith('-')) return `unknown option ${a}`;
    else if (file === undefined) file = a;
    else return `only one recording can be viewed at a time (got ${file} and ${a})`;
  }
  return file === undefined ? 'which recording? give the file to view' : { file, port, open };
}

/** The built page script: beside the CLI bundle in dist/, or dist/ of the repo when run from source. */
function scriptPath(): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const candidates = [path.join(here, 'webview.js'), path.resolve(here, '../../dist/webview.js'), path.resolve('dist/webview.js')];
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    // Opening a browser is a convenience: any failure is ignored, the URL is printed anyway.
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    /* ignored */
  }
}

/** Runs `loopscope view`; resolves with the exit code once stopped by SIGINT or SIGTERM. */
export async function runView(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const args = parseViewArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`loopscope view: ${args}\n${USAGE}\n`);
    return 2;
  }
  const file = path.resolve(args.file);
  if (!existsSync(file) || !statSync(file).isFile()) {
    process.stderr.write(`loopscope view: no such recording: ${file}\n`);
    return 2;
  }
  let server;
  try {
    server = await startViewServer({ tracePath: file, scriptPath: scriptPath(), port: args.port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    process.stderr.write(`loopscope view: cannot listen on 127.0.0.1:${args.port}${code === 'EADDRINUSE' ? ' (port in use)' : ''}: ${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`Loopscope timeline of ${file}\n${server.url}\nPress Ctrl+C to stop.\n`);
  if (args.open) openBrowser(server.url);
  const s = server;
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void s.close().then(() => resolve(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
