import { AGENT_CONFIG_ENV, type AgentConfig } from './protocol';

/** Settings the agent runs with, after defaults. */
export interface ResolvedConfig {
  url: string;
  token: string;
  stallThresholdMs: number;
  promises: boolean;
}

/** Reads the launcher's config from the environment; undefined when absent or unusable (the agent then stays off). */
export function readAgentConfig(env: NodeJS.ProcessEnv = process.env): ResolvedConfig | undefined {
  return parseAgentConfig(env[AGENT_CONFIG_ENV]);
}

/** Parses an `AgentConfig` JSON text (from the environment or an attacher); undefined when unusable. */
export function parseAgentConfig(raw: string | undefined): ResolvedConfig | undefined {
  if (!raw) return undefined;
  let parsed: Partial<AgentConfig>;
  try {
    parsed = JSON.parse(raw) as Partial<AgentConfig>;
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  // ws:// only: collectors listen on loopback, and the bundle leaves out tls (scripts/build.mjs).
  if (typeof parsed.url !== 'string' || !/^ws:\/\//.test(parsed.url) || typeof parsed.token !== 'string') return undefined;
  const threshold = Number(parsed.stallThresholdMs);
  return {
    url: parsed.url,
    token: parsed.token,
    stallThresholdMs: Number.isFinite(threshold) && threshold > 0 ? threshold : 50,
    promises: parsed.promises === true,
  };
}
