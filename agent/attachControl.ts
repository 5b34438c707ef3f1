/**
 * The agent's control entry for processes it is loaded into while they run (attach by PID, or a
 * debugger's evaluate): a loaded agent leaves this object on the thread's global under a
 * registered symbol, so an attacher can start it with a config and stop it again later.
 * No Node imports: the attacher (src/) imports the key from here.
 */

/** `Symbol.for` key of the control object on `globalThis`. */
export const AGENT_CONTROL_KEY = 'loopscope.agent.control';

/** What `start` answers. */
export type StartStatus = 'started' | 'already recording' | 'bad config' | 'failed';
/** What `stop` resolves to. */
export type StopStatus = 'stopped' | 'not recording';

/** The control object the agent leaves on its thread's global. */
export interface AgentControl {
  /**
   * Starts recording with an `AgentConfig` JSON text; never throws. `attached`: the program is
   * already running. `first`: runs before recording begins; recording begins when it calls `done`.
   */
  start(config: string, options?: { attached?: boolean; first?: (done: () => void) => void }): StartStatus;
  /** Stops recording: hooks off, what is unsent handed over, transport worker ended. */
  stop(): Promise<StopStatus>;
  /** True while recording. */
  readonly recording: boolean;
}
