#!/usr/bin/env node
// The installed `wxpay`. A committed file rather than dist/main.js itself: npm links bins before a
// fresh clone's `prepare` has built dist/, and skips a bin whose target does not exist yet.
await import('../dist/main.js');
