// Test-only extension: a loopback HTTP endpoint through which the e2e runner executes VS Code
// commands and returns their JSON results. Commands like `loopscope.getState` return data no
// DOM shows; polling them is how tests wait on conditions instead of sleeping. Inert unless the
// runner sets LOOPSCOPE_E2E_BRIDGE_FILE (where it writes the port and a per-run token).
'use strict';
const vscode = require('vscode');
const http = require('node:http');
const fs = require('node:fs');
const crypto = require('node:crypto');

function activate(context) {
  const file = process.env.LOOPSCOPE_E2E_BRIDGE_FILE;
  if (!file) return;
  const token = crypto.randomBytes(16).toString('hex');
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', async () => {
      const reply = (status, value) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.headers['x-bridge-token'] !== token) return reply(403, { error: 'bad token' });
      try {
        const msg = JSON.parse(body || '{}');
        if (req.url === '/command') {
          const result = await vscode.commands.executeCommand(msg.command, ...(msg.args ?? []));
          return reply(200, { result: result === undefined ? null : result });
        }
        if (req.url === '/workbench') return reply(200, { result: workbenchState() });
        reply(404, { error: `unknown ${req.url}` });
      } catch (e) {
        reply(500, { error: String(e && e.stack || e) });
      }
    });
  });
  server.listen(0, '127.0.0.1', () => {
    fs.writeFileSync(file, JSON.stringify({ port: server.address().port, token, node: process.version }));
  });
  context.subscriptions.push({ dispose: () => server.close() });
}

/** What the runner prints when a scenario fails: editor, debug session, diagnostics. */
function workbenchState() {
  const ed = vscode.window.activeTextEditor;
  const diagnostics = vscode.languages.getDiagnostics()
    .filter(([, d]) => d.length > 0)
    .map(([uri, d]) => ({ uri: uri.toString(), items: d.map((x) => ({ line: x.range.start.line + 1, severity: x.severity, source: x.source, message: x.message })) }));
  return {
    activeEditor: ed ? { uri: ed.document.uri.toString(), line: ed.selection.active.line + 1 } : null,
    debugSession: vscode.debug.activeDebugSession ? { name: vscode.debug.activeDebugSession.name, type: vscode.debug.activeDebugSession.type } : null,
    breakpoints: vscode.debug.breakpoints.map((b) => b.location ? `${b.location.uri.fsPath}:${b.location.range.start.line + 1}` : 'function'),
    diagnostics,
    loopscope: vscode.extensions.getExtension('loopscope.loopscope')?.isActive ?? 'not installed',
  };
}

function deactivate() {}
module.exports = { activate, deactivate };
