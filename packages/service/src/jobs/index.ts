export {
  backoffByType,
  cappedBackoff,
  exponentialBackoff,
  type Job,
  type JobHandler,
  JobRunner,
  type JobRunnerOptions,
} from './job-runner.js';
