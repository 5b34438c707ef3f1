import { describe, expect, it } from 'vitest';
import { escapeHtml, renderTimelineHtml, timelineCsp } from './page';

describe('renderTimelineHtml', () => {
  const base = { scriptUri: 'vscode-resource://x/dist/webview.js', cspSource: 'vscode-resource:', nonce: 'abc123', mode: 'vscode' as const };

  it('allows only the nonce\'d script and no network in VS Code', () => {
    const csp = timelineCsp(base);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'nonce-abc123'");
    expect(csp).toContain("connect-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('unsafe-inline');
    const html = renderTimelineHtml(base);
    expect(html).toContain('<script nonce="abc123" src="vscode-resource://x/dist/webview.js"></script>');
    expect(html).toContain('data-mode="vscode"');
    for (const id of ['timeline-canvas', 'stall-list', 'details', 'session-status']) expect(html).toContain(`id="${id}"`);
  });

  it('lets the standalone page fetch its recording from its own origin', () => {
    const options = { ...base, cspSource: "'self'", mode: 'standalone' as const, initialTraceUrl: '/trace.json' };
    expect(timelineCsp(options)).toContain("connect-src 'self'");
    const html = renderTimelineHtml(options);
    expect(html).toContain('data-trace-url="/trace.json"');
    expect(html).not.toContain('id="save"');
  });

  it('escapes what it interpolates', () => {
    expect(escapeHtml('"><script>')).toBe('&#34;&#62;&#60;script&#62;');
  });
});
