// Runs the end-to-end files in this one process, each file as its own suite (its before/after
// hooks stay its own), so that they share one Chromium and, where their harness options agree,
// the app servers and emulators (harness.mjs, "Sharing across files"), instead of each file
// starting its own. `cargo xtask test` runs it:
//
//   node --test tests/e2e/run-all.mjs                      (every tests/e2e/*.test.mjs)
//   node tests/e2e/run-all.mjs tests/e2e/FILE.test.mjs ...   (those files; `node --test` would
//                                                            take them for files of its own)
//
// E2E_LANES=N (default 1) runs up to N files side by side: the tests mostly wait on the browser
// and the servers, so a second file fills the waits of the first. A file's tests still run one
// after another, each file on an app server and emulator no other file uses meanwhile. The
// files start longest first (by the wall clock of each in the last run, kept in
// target/xtask/e2e-files.json; files not timed yet first), so the lanes end close together.
//
// A file still runs on its own as before: node --test tests/e2e/signin.test.mjs

import { describe, before, after } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { shareAcrossFiles, closeShared } from './harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TIMES = path.resolve(HERE, '../../target/xtask/e2e-files.json');
const named = process.argv.slice(2).filter((a) => a.endsWith('.test.mjs'));
const lanes = Number(process.env.E2E_LANES || 1);
if (!Number.isInteger(lanes) || lanes < 1) throw new Error(`E2E_LANES=${process.env.E2E_LANES}: a whole number of lanes, 1 or more`);

const files = named.length > 0
  ? named.map((f) => path.resolve(f))
  : fs.readdirSync(HERE).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => path.join(HERE, f));

/** Seconds each file took in the last run that timed it. */
function lastTimes() {
  try {
    return JSON.parse(fs.readFileSync(TIMES, 'utf8'));
  } catch {
    return {};
  }
}

const times = lastTimes();
const took = (file) => times[path.basename(file)] ?? Infinity;
// A stable sort: with no times at all (a fresh checkout) the order stays alphabetical.
const order = lanes > 1 ? [...files].sort((a, b) => took(b) - took(a)) : files;

shareAcrossFiles();
const measured = {};
describe('end to end', { concurrency: lanes }, () => {
  for (const file of order) {
    const name = path.basename(file);
    // concurrency 1: a file's own tests one at a time (they share its harness).
    describe(name, { concurrency: 1 }, async () => {
      let started;
      before(() => { started = Date.now(); });
      after(() => { measured[name] = (Date.now() - started) / 1000; });
      await import(pathToFileURL(file).href);
    });
  }
});
after(async () => {
  await closeShared();
  fs.mkdirSync(path.dirname(TIMES), { recursive: true });
  fs.writeFileSync(TIMES, `${JSON.stringify({ ...times, ...measured }, null, 2)}\n`);
});
