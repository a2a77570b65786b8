/** Types for round-robin-proxy.mjs, so the TypeScript tests can put instances behind it too. */
export interface ProxyOptions {
  upstreams: string[];
  port?: number;
  keepAlive?: boolean;
  retrySent?: (method: string, path: string) => boolean;
  healthIntervalMs?: number;
}
export interface RunningProxy {
  url: string;
  stats: { passed: number[]; retried: number; failed: number; skippedUnready: number };
  setUpstreams(upstreams: string[]): void;
  close(): Promise<void>;
}
export function startRoundRobinProxy(options: ProxyOptions): Promise<RunningProxy>;
