/** The `loopscope.*` settings, read in one place. */
import * as vscode from 'vscode';
import type { StoreLimits } from '../collector/sessionStore';

/** When the timeline opens by itself. */
export type OpenTimelinePolicy = 'onFirstProcess' | 'notify' | 'never';

/** Every setting the extension reads, with defaults applied. */
export interface Settings {
  stallThresholdMs: number;
  autoInject: boolean;
  trackPromises: boolean;
  storeLimits: StoreLimits;
  openTimeline: OpenTimelinePolicy;
}

/** Reads the settings now (they can change at any time). */
export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('loopscope');
  const positive = (key: string, fallback: number) => {
    const v = c.get<number>(key, fallback);
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
  };
  return {
    stallThresholdMs: positive('stallThresholdMs', 50),
    autoInject: c.get<boolean>('autoInject', true),
    trackPromises: c.get<boolean>('trackPromises', false),
    storeLimits: { maxEvents: positive('store.maxEvents', 2_000_000), maxAgeMs: positive('store.maxAgeSeconds', 300) * 1000 },
    openTimeline: c.get<OpenTimelinePolicy>('openTimeline', 'onFirstProcess'),
  };
}

/** Runs `fn` whenever a `loopscope.*` setting changes. */
export function onSettingsChanged(fn: (s: Settings) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('loopscope')) fn(readSettings());
  });
}
