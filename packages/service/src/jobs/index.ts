export {
  exponentialBackoff,
  type Job,
  type JobHandler,
  JobRunner,
  type JobRunnerOptions,
} from './job-runner.js';
