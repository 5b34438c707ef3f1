/**
 * The standalone view server: serves the timeline page, its script and one recording on
 * 127.0.0.1 — nothing else. Requests whose Host is not this loopback address are refused, so a
 * web page elsewhere cannot reach the recording through DNS rebinding.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderTimelineHtml, timelineCsp } from './page';

/** Options of `startViewServer`. */
export interface ViewServerOptions {
  /** The recording to serve at /trace.json. */
  tracePath: string;
  /** The built page script (dist/webview.js). */
  scriptPath: string;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
}

/** A running view server. */
export interface ViewServer {
  /** The page's URL, e.g. http://127.0.0.1:43123/ */
  url: string;
  port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Starts the server; rejects (e.g. with code EADDRINUSE) when it cannot listen. */
export async function startViewServer(options: ViewServerOptions): Promise<ViewServer> {
  const server = http.createServer((req, res) => {
    void handle(req, res, options, server);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${HOST}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: http.ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

async function sendFile(req: http.IncomingMessage, res: http.ServerResponse, file: string, type: string): Promise<void> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return send(res, 404, `Not found: ${file}\n`);
  }
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': size, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, o: ViewServerOptions, server: http.Server): Promise<void> {
  const port = (server.address() as AddressInfo).port;
  if (req.headers.host !== `${HOST}:${port}` && req.headers.host !== `localhost:${port}`) return send(res, 403, 'Forbidden\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed\n');
  const path = new URL(req.url ?? '/', `http://${HOST}`).pathname;
  switch (path) {
    case '/': {
      const nonce = randomBytes(16).toString('base64');
      const page = { scriptUri: '/webview.js', cspSource: "'self'", nonce, mode: 'standalone' as const, initialTraceUrl: '/trace.json' };
      res.setHeader('Content-Security-Policy', timelineCsp(page));
      return send(res, 200, renderTimelineHtml(page), 'text/html; charset=utf-8');
    }
    case '/webview.js':
      return sendFile(req, res, o.scriptPath, 'text/javascript; charset=utf-8');
    case '/trace.json':
      return sendFile(req, res, o.tracePath, 'application/json');
    default:
      return send(res, 404, 'Not found\n');
  }
}
