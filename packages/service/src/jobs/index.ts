export { backoffByType, cappedBackoff, exponentialBackoff } from './job-backoff.js';
export { JobRunner } from './job-runner.js';
export type { Job, JobHandler, JobRunnerOptions, JobStopOptions, JobStopResult } from './job-types.js';
