/** Entry point: activation builds the extension; deactivation disposes it (closing the collector). */
import type * as vscode from 'vscode';
import { LoopscopeExtension } from './loopscopeExtension';

/** Activated by a Node debug session, a Loopscope command, or opening a recording. */
export function activate(context: vscode.ExtensionContext): LoopscopeExtension {
  const extension = new LoopscopeExtension(context);
  context.subscriptions.push(extension);
  return extension;
}

/** Nothing to do: `context.subscriptions` disposes the extension. */
export function deactivate(): void {}
