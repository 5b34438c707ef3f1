/** The window's collector: started on first need, with the env that points an agent at it. */
import type * as vscode from 'vscode';
import { Collector } from '../collector/collector';
import { agentEnvironment } from '../collector/agentEnv';
import type { SessionsModel } from '../host/sessionsModel';
import type { Settings } from './settings';

/** A started collector. */
export type RunningCollector = Awaited<ReturnType<typeof Collector.start>>;

/** Starts the collector lazily (activation stays cheap) and builds agent environments for it. */
export class CollectorHost implements vscode.Disposable {
  private running: Promise<RunningCollector> | undefined;
  private started: RunningCollector | undefined;

  constructor(private readonly model: SessionsModel, readonly agentPath: string, private readonly settings: () => Settings) {}

  /** The collector, started if needed; a failed start is retried on the next call. */
  ready(): Promise<RunningCollector> {
    if (!this.running) {
      this.running = Collector.start({ store: this.model.store }).then(
        (c) => {
          c.on('warning', (message: string) => this.model.warn(message));
          this.started = c;
          return c;
        },
        (err: unknown) => {
          this.running = undefined;
          throw err;
        },
      );
    }
    return this.running;
  }

  /** The collector's URL once started. */
  get url(): string | undefined {
    return this.started?.url;
  }

  /** `base` plus what makes a Node process load the agent and report here. */
  async agentEnv(base: Record<string, string | undefined>): Promise<Record<string, string | undefined>> {
    const c = await this.ready();
    return this.agentEnvFor(c, base);
  }

  /** Same as `agentEnv`, for a collector already started (synchronous). */
  agentEnvFor(c: RunningCollector, base: Record<string, string | undefined>): Record<string, string | undefined> {
    const s = this.settings();
    return agentEnvironment(base, { agentPath: this.agentPath, url: c.url, token: c.token, stallThresholdMs: s.stallThresholdMs, promises: s.trackPromises });
  }

  /** Closes the collector; connected agents see the socket close. */
  dispose(): void {
    const running = this.running;
    this.running = undefined;
    this.started = undefined;
    void running?.then((c) => c.close(), () => undefined);
  }
}
