/**
 * Deciding whether a debug launch gets the agent, and adding it to the launch's env without
 * losing what the user had (NODE_OPTIONS from the config, its envFile or the inherited env).
 */

/** The parts of a js-debug launch configuration that injection reads or writes. */
export interface LaunchConfig {
  type: string;
  request: string;
  name?: string;
  /** A `null` value unsets the variable (js-debug semantics). */
  env?: Record<string, string | null | undefined>;
  envFile?: string;
  /** `false` opts this configuration out; `true` opts it in even when auto-injection is off. */
  loopscope?: unknown;
  /** js-debug sets this on the child sessions it starts itself. */
  __pendingTargetId?: unknown;
  [key: string]: unknown;
}

/** Debug types served by VS Code's JavaScript debugger that run a Node program. */
export const nodeDebugTypes: readonly string[] = ['node', 'pwa-node', 'node-terminal'];

/** Whether to inject, and why not when not. */
export type InjectionDecision = { inject: true } | { inject: false; reason: string };

/** Decides whether a resolved debug configuration should get the agent. */
export function injectionDecision(config: LaunchConfig, autoInject: boolean): InjectionDecision {
  if (!nodeDebugTypes.includes(config.type)) return { inject: false, reason: `type ${config.type} is not a Node launch` };
  if (config.request !== 'launch') return { inject: false, reason: 'not a launch (attach with "Loopscope: Load Agent into Debug Session")' };
  if (config.__pendingTargetId !== undefined) return { inject: false, reason: 'child session of a launch' };
  if (config.loopscope === false) return { inject: false, reason: 'turned off in the configuration ("loopscope": false)' };
  if (config.loopscope === true) return { inject: true };
  if (!autoInject) return { inject: false, reason: 'loopscope.autoInject is off' };
  return { inject: true };
}

/** Builds the agent's env from a base env (the collector's `agentEnvironment`, bound to one collector). */
export type AgentEnvBuilder = (base: Record<string, string | undefined>) => Record<string, string | undefined>;

/** What the launch will inherit besides its own `env`: the debugger's env and the envFile's values. */
export interface InheritedEnv {
  processEnv: Record<string, string | undefined>;
  envFileValues?: Record<string, string>;
}

/** The NODE_OPTIONS the launched program would get without us. */
export function effectiveNodeOptions(config: LaunchConfig, inherited: InheritedEnv): string | undefined {
  const env = config.env ?? {};
  if ('NODE_OPTIONS' in env) return env.NODE_OPTIONS ?? undefined;
  return inherited.envFileValues?.NODE_OPTIONS ?? inherited.processEnv.NODE_OPTIONS;
}

/** Returns a copy of `config` whose env loads the agent; unchanged when it already does. */
export function withAgent(config: LaunchConfig, inherited: InheritedEnv, build: AgentEnvBuilder): LaunchConfig {
  if (config.env?.LOOPSCOPE_AGENT) return config; // resolved twice (node → pwa-node): inject once
  const existing = effectiveNodeOptions(config, inherited);
  const agentEnv = build(existing === undefined ? {} : { NODE_OPTIONS: existing });
  return {
    ...config,
    env: { ...config.env, NODE_OPTIONS: agentEnv.NODE_OPTIONS, LOOPSCOPE_AGENT: agentEnv.LOOPSCOPE_AGENT },
  };
}

/** Reads `NAME=value` lines of a dotenv file (as js-debug's envFile does: quotes stripped, `#` comments). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let value = m[2];
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n');
    }
    out[m[1]] = value;
  }
  return out;
}
