// Runs the end-to-end files in this one process, each file as its own suite (its before/after
// hooks stay its own), so that they share one Chromium and, where their harness options agree,
// one app server and one emulator (harness.mjs, "Sharing across files"), instead of each file
// starting its own. `cargo xtask test` runs it:
//
//   node --test tests/e2e/run-all.mjs [FILE.test.mjs ...]   (default: every tests/e2e/*.test.mjs)
//
// A file still runs on its own as before: node --test tests/e2e/signin.test.mjs

import { describe, after } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { shareAcrossFiles, closeShared } from './harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const named = process.argv.slice(2).filter((a) => a.endsWith('.test.mjs'));
const files = named.length > 0
  ? named.map((f) => path.resolve(f))
  : fs.readdirSync(HERE).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => path.join(HERE, f));

shareAcrossFiles();
for (const file of files) {
  describe(path.basename(file), async () => {
    await import(pathToFileURL(file).href);
  });
}
after(closeShared);
