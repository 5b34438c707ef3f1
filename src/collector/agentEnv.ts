import { AGENT_CONFIG_ENV, type AgentConfig } from '../../agent/protocol';

/** What a launcher needs to hand the agent. */
export interface AgentLaunch extends AgentConfig {
  /** Absolute path of dist/agent.js. */
  agentPath: string;
}

/** Quotes a path for NODE_OPTIONS, which splits on spaces and understands double quotes. */
export function quoteForNodeOptions(value: string): string {
  return /[\s"\\]/.test(value) ? `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : value;
}

/** Extends (never replaces) NODE_OPTIONS with `--require <path>`; a second call adds nothing. */
export function nodeOptionsWithRequire(existing: string | undefined, modulePath: string): string {
  const flag = `--require ${quoteForNodeOptions(modulePath)}`;
  const current = (existing ?? '').trim();
  if (current.includes(flag)) return current;
  return current ? `${current} ${flag}` : flag;
}

/** The env a Node process needs to report to a collector: the given env plus NODE_OPTIONS and the agent's config. */
export function agentEnvironment(env: Record<string, string | undefined>, launch: AgentLaunch): Record<string, string | undefined> {
  const { agentPath, ...config } = launch;
  return {
    ...env,
    NODE_OPTIONS: nodeOptionsWithRequire(env.NODE_OPTIONS, agentPath),
    [AGENT_CONFIG_ENV]: JSON.stringify(config),
  };
}
