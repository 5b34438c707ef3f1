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
  /** Port and token of the first collector: a restarted one takes them again, so that agents reconnect. */
  private identity: { port: number; token: string } | undefined;

  constructor(private readonly model: SessionsModel, readonly agentPath: string, private readonly settings: () => Settings) {}

  /** The collector, started if needed; a failed start is retried on the next call. */
  ready(): Promise<RunningCollector> {
    if (!this.running) {
      this.running = this.start().then(
        (c) => {
          c.on('warning', (message: string) => this.model.warn(message));
          this.started = c;
          this.identity ??= { port: Number(new URL(c.url).port), token: c.token };
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

  /**
   * Closes the collector (if running) and starts it again on the same port with the same token,
   * into the same store: agents streaming to it reconnect, and their sessions record the gap.
   * `whileDown` runs between the two (a test uses it to keep the collector away for a while).
   */
  async restart(whileDown?: () => Promise<void>): Promise<RunningCollector> {
    const running = this.running;
    this.running = undefined;
    this.started = undefined;
    await running?.then((c) => c.close(), () => undefined);
    await whileDown?.();
    return this.ready();
  }

  /** Same port and token as before when there was a before; a taken port gets a new one (agents then cannot return). */
  private async start(): Promise<RunningCollector> {
    const store = this.model.store;
    if (!this.identity) return Collector.start({ store });
    try {
      return await Collector.start({ store, ...this.identity });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      this.model.warn(`the collector's port ${this.identity.port} is taken; processes started before cannot reconnect`);
      this.identity = undefined;
      return Collector.start({ store });
    }
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
