/** How a session is named to people: the script it runs rather than the node binary's path. */
import type { ThreadInfo } from '../collector/model';

/** e.g. "server.js (pid 4242)" or "worker.js (pid 4242, thread 1)". */
export function sessionLabel(info: Pick<ThreadInfo, 'title' | 'argv' | 'pid' | 'tid'>): string {
  const script = info.argv.slice(1).find((a) => !a.startsWith('-'));
  const looksLikeNodeBinary = !info.title || /(^|[\\/])node(\.exe)?$/.test(info.title);
  const name = script && looksLikeNodeBinary ? script.split(/[\\/]/).pop()! : info.title || 'node';
  return `${name} (pid ${info.pid}${info.tid ? `, thread ${info.tid}` : ''})`;
}
