// Client of the test-only bridge extension (bridgeExtension/): runs commands in the extension host.
import { readFileSync, existsSync } from 'node:fs';
import { waitFor } from './workbench.mjs';

export async function connectBridge(file, { timeout = 60_000 } = {}) {
  const info = await waitFor(() => existsSync(file) && JSON.parse(readFileSync(file, 'utf8')),
    { timeout, what: `the e2e bridge extension to start (${file})` });
  const call = async (path, body) => {
    const res = await fetch(`http://127.0.0.1:${info.port}${path}`, {
      method: 'POST', headers: { 'x-bridge-token': info.token, 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`bridge ${path} ${JSON.stringify(body)}: ${json.error}`);
    return json.result;
  };
  return {
    info,
    command: (command, ...args) => call('/command', { command, args }),
    workbench: () => call('/workbench'),
  };
}
