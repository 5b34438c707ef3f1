/** Zero-config injection: Node debug launches get the agent through NODE_OPTIONS. */
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { injectionDecision, nodeDebugTypes, parseEnvFile, withAgent, type LaunchConfig } from '../host/launchConfig';
import type { CollectorHost } from './collectorHost';
import type { Settings } from './settings';

/** Registers the injecting configuration provider for every Node debug type. */
export function registerDebugLaunch(collector: CollectorHost, settings: () => Settings, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const provider: vscode.DebugConfigurationProvider = {
    async resolveDebugConfigurationWithSubstitutedVariables(folder, config) {
      const launch = config as unknown as LaunchConfig;
      const decision = injectionDecision(launch, settings().autoInject);
      if (!decision.inject) {
        if (launch.request === 'launch' && launch.__pendingTargetId === undefined) log.info(`Not injecting into "${config.name}": ${decision.reason}`);
        return config;
      }
      try {
        const c = await collector.ready();
        const envFileValues = readEnvFile(launch.envFile, folder);
        const injected = withAgent(launch, { processEnv: process.env, envFileValues }, (base) => collector.agentEnvFor(c, base));
        if (injected !== launch) log.info(`Injecting the agent into "${config.name}" (${config.type}); NODE_OPTIONS=${injected.env?.NODE_OPTIONS}`);
        return injected as unknown as vscode.DebugConfiguration;
      } catch (err) {
        // Never block a launch because of us: run it without the agent and say why.
        log.error(`Could not inject into "${config.name}": ${String(err)}`);
        void vscode.window.showWarningMessage(`Loopscope could not start its collector, so "${config.name}" runs without it: ${String(err)}`);
        return config;
      }
    },
  };
  return nodeDebugTypes.map((type) => vscode.debug.registerDebugConfigurationProvider(type, provider));
}

/** The envFile's values, which js-debug puts under `env` (so its NODE_OPTIONS must be kept). */
function readEnvFile(envFile: string | undefined, folder: vscode.WorkspaceFolder | undefined): Record<string, string> | undefined {
  if (!envFile) return undefined;
  const file = path.isAbsolute(envFile) || !folder ? envFile : path.join(folder.uri.fsPath, envFile);
  try {
    return parseEnvFile(readFileSync(file, 'utf8'));
  } catch {
    return undefined; // js-debug reports a missing envFile itself
  }
}
