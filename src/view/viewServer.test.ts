import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseViewArgs } from '../cli/viewCommand';
import { startViewServer, type ViewServer } from './viewServer';

function get(url: string, host?: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
  });
}

describe('view server', () => {
  let server: ViewServer;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'loopscope-view-'));
    writeFileSync(path.join(dir, 'trace.json'), '{"traceEvents":[]}');
    writeFileSync(path.join(dir, 'webview.js'), 'console.log(1)');
    server = await startViewServer({ tracePath: path.join(dir, 'trace.json'), scriptPath: path.join(dir, 'webview.js') });
  });
  afterAll(() => server.close());

  it('serves the page with a nonce CSP, the script and the recording on 127.0.0.1', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(server.url);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'nonce-[^']+'/);
    expect(page.body).toContain('id="timeline-canvas"');
    expect((await get(`${server.url}webview.js`)).body).toBe('console.log(1)');
    expect((await get(`${server.url}trace.json`)).body).toBe('{"traceEvents":[]}');
  });

  it('serves nothing else and refuses foreign Host headers', async () => {
    expect((await get(`${server.url}package.json`)).status).toBe(404);
    expect((await get(`${server.url}../trace.json`)).status).toBe(200); // normalised to /trace.json, still the one file
    expect((await get(`${server.url}trace.json`, 'evil.example:80')).status).toBe(403);
  });
});

describe('parseViewArgs', () => {
  it('reads the file, port and open flag', () => {
    expect(parseViewArgs(['rec.json', '--port', '8080', '--open'])).toEqual({ file: 'rec.json', port: 8080, open: true });
    expect(parseViewArgs(['--port=0', 'rec.json'])).toEqual({ file: 'rec.json', port: 0, open: false });
  });

  it('explains bad arguments', () => {
    expect(parseViewArgs([])).toMatch(/which recording/);
    expect(parseViewArgs(['a', '--port', 'x'])).toMatch(/--port needs a port number/);
    expect(parseViewArgs(['a', '--nope'])).toMatch(/unknown option/);
    expect(parseViewArgs(['a', 'b'])).toMatch(/only one recording/);
  });
});
