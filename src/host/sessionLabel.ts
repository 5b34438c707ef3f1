/** How a session is named to people: the script it runs rather than the node binary's path. */
import type { ThreadInfo } from '../../model/loopData';

/** The thread's title, or its script's file name when the title is just the node binary. */
export function displayTitle(info: Pick<ThreadInfo, 'title' | 'argv'>): string {
  const script = info.argv.slice(1).find((a) => !a.startsWith('-'));
  const looksLikeNodeBinary = !info.title || /(^|[\\/])node(\.exe)?$/.test(info.title);
  return script && looksLikeNodeBinary ? script.split(/[\\/]/).pop()! : info.title || 'node';
}

/** e.g. "server.js (pid 4242)" or "worker.js (pid 4242, thread 1)". */
export function sessionLabel(info: Pick<ThreadInfo, 'title' | 'argv' | 'pid' | 'tid'>): string {
  return `${displayTitle(info)} (pid ${info.pid}${info.tid ? `, thread ${info.tid}` : ''})`;
}
