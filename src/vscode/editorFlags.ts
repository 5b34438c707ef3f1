/** Stall flags in the editor: a Problems-panel warning, a CodeLens on the blocking line, the stack on hover. */
import * as vscode from 'vscode';
import type { SessionsModel } from '../host/sessionsModel';
import { flagMessage, formatMs, formatStack, type LineFlag } from '../host/stallFlags';

/** Keeps diagnostics, CodeLenses and hovers in step with the model's flags. */
export class EditorFlags implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('loopscope');
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  private byPath = new Map<string, LineFlag[]>();
  /** What the flags said last time; live data changes the model often, the flags rarely. */
  private signature = '';
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly model: SessionsModel) {
    const selector: vscode.DocumentSelector = { scheme: 'file' };
    this.disposables.push(
      this.diagnostics,
      this.lensesChanged,
      vscode.languages.registerCodeLensProvider(selector, {
        onDidChangeCodeLenses: this.lensesChanged.event,
        provideCodeLenses: (doc) => this.flagsFor(doc.uri).map((f) => new vscode.CodeLens(lineRange(f), {
          title: `$(warning) Loopscope: ${flagMessage(f)}`,
          tooltip: 'Show this stall in the Loopscope timeline',
          command: 'loopscope.openTimeline',
          arguments: [{ sessionId: f.sessionIds[0], ts: f.worst.ts }],
        })),
      }),
      vscode.languages.registerHoverProvider(selector, {
        provideHover: (doc, pos) => {
          const flag = this.flagsFor(doc.uri).find((f) => f.lineNumber - 1 === pos.line);
          return flag ? new vscode.Hover(hoverText(flag), lineRange(flag)) : undefined;
        },
      }),
    );
    model.on('changed', () => this.refresh());
    this.refresh();
  }

  /** Recomputes every flag from the model. */
  refresh(): void {
    const flags = this.model.flags();
    const signature = flags.map((f) => `${f.path}:${f.lineNumber}:${f.count}:${f.maxDur}`).join('\n');
    if (signature === this.signature) return;
    this.signature = signature;
    const byPath = new Map<string, LineFlag[]>();
    for (const f of flags) {
      const list = byPath.get(f.path) ?? [];
      list.push(f);
      byPath.set(f.path, list);
    }
    this.byPath = byPath;
    this.diagnostics.clear();
    this.diagnostics.set([...byPath].map(([path, flags]) => [vscode.Uri.file(path), flags.map(toDiagnostic)]));
    this.lensesChanged.fire();
  }

  private flagsFor(uri: vscode.Uri): LineFlag[] {
    return uri.scheme === 'file' ? this.byPath.get(uri.fsPath) ?? [] : [];
  }

  /** Removes every flag and provider. */
  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The flagged line, from the blocking column to its end. */
function lineRange(f: LineFlag): vscode.Range {
  const line = Math.max(0, f.lineNumber - 1);
  return new vscode.Range(line, Math.max(0, f.columnNumber - 1), line, Number.MAX_SAFE_INTEGER);
}

function toDiagnostic(f: LineFlag): vscode.Diagnostic {
  const d = new vscode.Diagnostic(lineRange(f), flagMessage(f), vscode.DiagnosticSeverity.Warning);
  d.source = 'Loopscope';
  d.code = 'event-loop-stall';
  return d;
}

/** The hover: the summary and the longest stall's stack. */
function hoverText(f: LineFlag): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**Loopscope:** ${flagMessage(f)} — ${formatMs(f.totalDur)} in total\n\n`);
  md.appendMarkdown(`Stack of the longest stall (${formatMs(f.worst.dur)}, captured by ${f.worst.captured}):\n`);
  md.appendCodeblock(formatStack(f.worst.stack).join('\n'), 'text');
  return md;
}
