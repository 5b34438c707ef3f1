/**
 * The timeline page's HTML, shared by the VS Code panel and the standalone view server: a strict
 * CSP (nothing but our nonce'd script and styles; no eval, no remote resources), the elements the
 * script drives, and theme variables that fall back to sensible colours outside VS Code.
 */

/** What the page needs from its host. */
export interface TimelinePageOptions {
  /** URL of dist/webview.js (in VS Code: `webview.asWebviewUri(...)`). */
  scriptUri: string;
  /** Optional extra stylesheet URL. */
  styleUri?: string;
  /** Origin allowed to serve the script and styles (`webview.cspSource`, or `'self'` standalone). */
  cspSource: string;
  /** Fresh random nonce per page load. */
  nonce: string;
  mode: 'vscode' | 'standalone';
  /** Standalone: same-origin URL of the recording to load on start. */
  initialTraceUrl?: string;
}

/** Escapes text for an HTML attribute or text node. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The Content-Security-Policy of the page. */
export function timelineCsp(o: Pick<TimelinePageOptions, 'cspSource' | 'nonce' | 'mode'>): string {
  return [
    "default-src 'none'",
    `img-src ${o.cspSource} data:`,
    `style-src ${o.cspSource} 'nonce-${o.nonce}'`,
    `font-src ${o.cspSource}`,
    `script-src 'nonce-${o.nonce}'`,
    // Standalone fetches the recording from the view server that served the page; VS Code posts it.
    `connect-src ${o.mode === 'standalone' ? "'self'" : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const styles = `
:root {
  color-scheme: light dark;
  --ls-bg: var(--vscode-editor-background, #1e1e1e);
  --ls-fg: var(--vscode-editor-foreground, #d4d4d4);
  --ls-muted: var(--vscode-descriptionForeground, #9d9d9d);
  --ls-border: var(--vscode-panel-border, #3c3c3c);
  --ls-grid: var(--vscode-editorIndentGuide-background, rgba(128,128,128,0.16));
  --ls-stall: var(--vscode-errorForeground, #f14c4c);
  --ls-stall-fill: rgba(241, 76, 76, 0.22);
  --ls-selection: var(--vscode-focusBorder, #0090f1);
  --ls-paused: rgba(128, 128, 128, 0.28);
  --ls-gc: var(--vscode-charts-purple, #b180d7);
  --ls-delay-p50: var(--vscode-charts-blue, #3794ff);
  --ls-delay-p99: var(--vscode-charts-yellow, #cca700);
  --ls-utilization: var(--vscode-charts-green, #89d185);
  --ls-lane-timers: var(--vscode-charts-blue, #3794ff);
  --ls-lane-immediates: var(--vscode-charts-green, #89d185);
  --ls-lane-ticks: var(--vscode-charts-yellow, #cca700);
  --ls-lane-io: var(--vscode-charts-orange, #d18616);
  --ls-lane-network: var(--vscode-charts-purple, #b180d7);
  --ls-lane-promises: var(--vscode-terminal-ansiCyan, #29b8db);
  --ls-lane-other: var(--vscode-descriptionForeground, #9d9d9d);
  --ls-font: var(--vscode-font-family, system-ui, -apple-system, "Segoe UI", sans-serif);
  --ls-input-bg: var(--vscode-input-background, #2a2a2a);
  --ls-input-fg: var(--vscode-input-foreground, #d4d4d4);
  --ls-button-bg: var(--vscode-button-secondaryBackground, #3a3d41);
  --ls-button-fg: var(--vscode-button-secondaryForeground, #ffffff);
  --ls-list-selected: var(--vscode-list-activeSelectionBackground, #04395e);
}
@media (prefers-color-scheme: light) {
  body.standalone {
    --ls-bg: #ffffff; --ls-fg: #1f1f1f; --ls-muted: #616161; --ls-border: #d4d4d4;
    --ls-stall: #cd3131; --ls-stall-fill: rgba(205, 49, 49, 0.16); --ls-selection: #005fb8;
    --ls-lane-timers: #1a85ff; --ls-lane-immediates: #388a34; --ls-lane-ticks: #b89500; --ls-lane-io: #c26700;
    --ls-lane-network: #8a4fc7; --ls-lane-promises: #0f8aa8; --ls-lane-other: #6e6e6e;
    --ls-delay-p50: #1a85ff; --ls-delay-p99: #b89500; --ls-utilization: #388a34; --ls-gc: #8a4fc7;
    --ls-input-bg: #ffffff; --ls-input-fg: #1f1f1f; --ls-button-bg: #e5e5e5; --ls-button-fg: #1f1f1f; --ls-list-selected: #cce4ff;
  }
}
body.vscode-high-contrast, body.vscode-high-contrast-light { --ls-stall-fill: transparent; --ls-border: var(--vscode-contrastBorder, #6fc3df); }
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { background: var(--ls-bg); color: var(--ls-fg); font: 13px var(--ls-font); display: flex; flex-direction: column; overflow: hidden; }
#toolbar { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: center; padding: 6px 8px; border-bottom: 1px solid var(--ls-border); }
#toolbar button, #toolbar input { font: inherit; color: var(--ls-button-fg); background: var(--ls-button-bg); border: 1px solid var(--ls-border); border-radius: 2px; padding: 2px 8px; }
#toolbar input { color: var(--ls-input-fg); background: var(--ls-input-bg); }
#toolbar input[type=number] { width: 5em; }
#toolbar button[aria-pressed=true] { outline: 1px solid var(--ls-selection); }
#toolbar button:disabled { opacity: 0.5; }
#lane-filter { display: inline-flex; gap: 6px; border: 0; padding: 0; margin: 0; }
#lane-filter label, #type-filter-list label { white-space: nowrap; }
#type-filter { position: relative; }
#type-filter summary { cursor: pointer; }
#type-filter-list { position: absolute; z-index: 2; display: flex; flex-direction: column; gap: 2px; margin: 4px 0 0; padding: 6px 8px; max-height: 60vh; overflow: auto;
  background: var(--vscode-dropdown-background, var(--ls-bg)); border: 1px solid var(--ls-border); }
#session-status, #visible-range { color: var(--ls-muted); }
#session-status { margin-left: auto; }
main { flex: 1; display: flex; min-height: 0; }
#timeline-wrap { flex: 1; position: relative; min-width: 0; overflow: hidden; }
#timeline-canvas { position: absolute; inset: 0; width: 100%; height: 100%; display: block; touch-action: none; cursor: grab; }
#tooltip { position: absolute; left: 0; top: 0; pointer-events: none; max-width: 60%; padding: 3px 6px; font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  color: var(--vscode-editorHoverWidget-foreground, var(--ls-fg)); background: var(--vscode-editorHoverWidget-background, var(--ls-bg)); border: 1px solid var(--vscode-editorHoverWidget-border, var(--ls-border)); }
#timeline-canvas:focus-visible { outline: 1px solid var(--ls-selection); outline-offset: -1px; }
aside { width: 340px; max-width: 40%; border-left: 1px solid var(--ls-border); display: flex; flex-direction: column; min-height: 0; }
aside h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; margin: 8px 8px 4px; color: var(--ls-muted); }
#stall-list { list-style: none; margin: 0; padding: 0; overflow: auto; max-height: 40%; flex: none; }
#stall-list:focus-visible, .stack-frame:focus-visible { outline: 1px solid var(--ls-selection); }
.stall-item { display: grid; grid-template-columns: 5.5em 1fr; padding: 3px 8px; cursor: pointer; border-left: 3px solid var(--ls-stall); }
.stall-item:hover { background: var(--vscode-list-hoverBackground, rgba(128,128,128,.12)); }
.stall-item.selected { background: var(--ls-list-selected); }
.stall-dur { color: var(--ls-stall); font-weight: 600; font-variant-numeric: tabular-nums; }
.stall-fn { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.stall-approx { grid-column: 1 / span 2; color: var(--ls-muted); font-style: italic; }
.stall-loc { grid-column: 1 / span 2; color: var(--ls-muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; direction: rtl; text-align: left; unicode-bidi: plaintext; }
.stall-words { grid-column: 1 / span 2; color: var(--ls-gc); font-size: 11px; }
#details { overflow: auto; padding: 0 8px 8px; flex: 1; border-top: 1px solid var(--ls-border); }
#details h3 { font-size: 13px; margin: 8px 0 4px; }
#details h4 { font-size: 12px; margin: 8px 0 2px; color: var(--ls-muted); }
#details .hint { color: var(--ls-muted); }
.facts { display: grid; grid-template-columns: auto 1fr; gap: 1px 8px; margin: 0; }
.facts dt { color: var(--ls-muted); } .facts dd { margin: 0; word-break: break-all; }
ol.stack, ol.trigger-chain { margin: 0; padding-left: 1.6em; }
.stack-frame { font: 12px var(--vscode-editor-font-family, ui-monospace, monospace); color: var(--vscode-textLink-foreground, #3794ff); background: none; border: 0; padding: 1px 0; text-align: left; cursor: pointer; word-break: break-all; }
.stack-frame:hover { text-decoration: underline; }
#source-path { margin: 4px 8px; font: 12px ui-monospace, monospace; color: var(--ls-input-fg); background: var(--ls-input-bg); border: 1px solid var(--ls-border); }
#error-banner { padding: 6px 8px; color: var(--vscode-inputValidation-errorForeground, #fff); background: var(--vscode-inputValidation-errorBackground, #5a1d1d); border-bottom: 1px solid var(--ls-stall); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;

/** Returns the page's HTML. */
export function renderTimelineHtml(o: TimelinePageOptions): string {
  const nonce = escapeHtml(o.nonce);
  const trace = o.initialTraceUrl ? ` data-trace-url="${escapeHtml(o.initialTraceUrl)}"` : '';
  const save = o.mode === 'vscode' ? '<button id="save" type="button" title="Save what is shown as a recording">Save…</button>' : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(timelineCsp(o))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Loopscope timeline</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${styles}</style>
${o.styleUri ? `<link rel="stylesheet" href="${escapeHtml(o.styleUri)}">` : ''}
</head>
<body class="${o.mode}" data-mode="${o.mode}"${trace}>
<div id="toolbar" role="toolbar" aria-label="Timeline controls">
  <button id="fit" type="button" title="Show everything (Home)">Fit</button>
  <button id="zoom-selection" type="button" title="Zoom to the selection (Z)">Zoom to selection</button>
  <button id="follow" type="button" aria-pressed="true" title="Keep the newest data in view (F)">Follow</button>
  <fieldset id="lane-filter" aria-label="Show lanes"></fieldset>
  <details id="type-filter"><summary>Types</summary><fieldset id="type-filter-list" aria-label="Show resource types"></fieldset></details>
  <label>Min <input id="min-duration" type="number" min="0" step="0.1" value="0" aria-label="Minimum callback duration in milliseconds"> ms</label>
  <input id="search" type="search" placeholder="Search file or function" aria-label="Search by file or function name">
  ${save}
  <span id="visible-range" aria-label="Visible range"></span>
  <span id="session-status" role="status">Loading…</span>
</div>
<div id="error-banner" role="alert" hidden></div>
<main>
  <div id="timeline-wrap">
    <canvas id="timeline-canvas" tabindex="0" role="img" aria-label="Event loop timeline" aria-describedby="timeline-summary"></canvas>
    <div id="tooltip" role="tooltip" hidden></div>
  </div>
  <aside aria-label="Stalls and details">
    <h2 id="stall-heading">Stalls (longest first)</h2>
    <ol id="stall-list" aria-labelledby="stall-heading"></ol>
    <input id="source-path" type="text" readonly hidden aria-label="Source location (copy it)">
    <section id="details" aria-live="polite" aria-label="Selection details"></section>
  </aside>
</main>
<div id="timeline-summary" class="visually-hidden" aria-live="polite"></div>
<script nonce="${nonce}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>
`;
}
