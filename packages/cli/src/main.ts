#!/usr/bin/env node
import { runCli } from './cli-runner.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
// A command has finished (a server after its graceful stop): whatever still holds the event loop,
// such as a job handler abandoned at shutdown, may not keep the process alive for long. Unref'd, so
// a process that is done exits at once and output piped elsewhere is flushed first.
setTimeout(() => process.exit(), 2_000).unref();
