// Preloaded into Berth by `registry.bench.ts --cpu-prof=<dir>` (Node 20 refuses --cpu-prof in
// NODE_OPTIONS): profiles the whole process and writes <dir>/<pid>.cpuprofile when it exits.
'use strict';
/* global require, process */
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: loaded before any TypeScript hook */
const fs = require('node:fs');
const inspector = require('node:inspector');
const path = require('node:path');

const dir = process.env.BERTH_BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  // An in-thread session answers synchronously, so this works inside 'exit'.
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err)
        fs.writeFileSync(
          path.join(dir, `${process.pid}.cpuprofile`),
          JSON.stringify(result.profile),
        );
    });
  });
}
