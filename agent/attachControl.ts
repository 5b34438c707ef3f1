/**
 * The agent's control entry for processes it is loaded into while they run (attach by PID, or a
 * debugger's evaluate): a loaded agent leaves this object on the thread's global under a
 * registered symbol, so an attacher can start it with a config and stop it again later.
 * No Node imports: the attacher (src/) imports the key and types from here.
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

/**
 * The control object over `begin` (which starts recording and returns its stop), one recording at
 * a time; `startWith` starts it from the environment's config at load.
 */
export function createAgentControl<C>(parse: (raw: string) => C | undefined, begin: (config: C, attached: boolean) => () => Promise<void>):
  AgentControl & { startWith(config: C): void } {
  let stopRecording: (() => Promise<void>) | undefined;
  return {
    get recording() {
      return stopRecording !== undefined;
    },
    startWith(config) {
      stopRecording = begin(config, false);
    },
    start(raw, options) {
      try {
        if (stopRecording) return 'already recording';
        const config = parse(raw);
        if (config === undefined) return 'bad config';
        const attached = options?.attached === true;
        const first = options?.first;
        if (!first) {
          stopRecording = begin(config, attached);
          return 'started';
        }
        // The attacher has something to do first (close the inspector port it opened, once its
        // connection is gone): recording starts when that is done, so the hooks never see it.
        let stop: (() => Promise<void>) | undefined;
        let cancelled = false;
        const pending = async () => {
          cancelled = true;
          await stop?.();
        };
        stopRecording = pending;
        let begun = false;
        const go = () => {
          if (begun) return;
          begun = true;
          try {
            if (!cancelled) stop = begin(config, attached);
          } catch {
            if (stopRecording === pending) stopRecording = undefined;
          }
        };
        try {
          first(go);
        } catch {
          go();
        }
        return 'started';
      } catch {
        return 'failed';
      }
    },
    async stop() {
      const stop = stopRecording;
      if (!stop) return 'not recording';
      stopRecording = undefined;
      try {
        await stop();
      } catch {
        // The program goes on whatever happened.
      }
      return 'stopped';
    },
  };
}
