/**
 * Reading a script's `//# sourceMappingURL=` comment and an inline `data:` map. Shared by the agent
 * (maps of code a loader holds in memory) and the collector (maps of files on disk); built-ins only.
 */

/** The last `//# sourceMappingURL=` comment of a script, when it ends the script (only whitespace after). */
export function sourceMappingUrl(code: string): string | undefined {
  const at = code.lastIndexOf('sourceMappingURL=');
  if (at < 0) return undefined;
  const lineStart = code.lastIndexOf('\n', at) + 1;
  const match = /^\s*(?:\/\/|\/\*)[#@]\s*sourceMappingURL=([^\s'"]+)\s*(?:\*\/)?\s*$/.exec(code.slice(lineStart));
  return match?.[1].replace(/\*\/$/, '');
}

/** The text of a `data:` URL (base64 or percent-encoded); throws on one without a comma. */
export function decodeDataUrl(url: string): string {
  const comma = url.indexOf(',');
  if (comma < 0) throw new Error('data URL without a comma');
  const header = url.slice(5, comma);
  const body = url.slice(comma + 1);
  return header.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
}
