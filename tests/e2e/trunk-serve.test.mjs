// Plain `trunk serve`, as a developer runs it without xtask: a development build served by
// Trunk's own server, which answers any path it has no file for with index.html, and no
// config.json. The page must say config.json was not found (not "not valid JSON"), name the
// emulator's way in, and log no console error (Trunk's autoreload script is off in Trunk.toml:
// the page's CSP would refuse it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, isCspConsoleMessage } from './harness.mjs';

const ROOT = process.cwd();
// As `cargo xtask` runs tools (xtask's tool_path): cargo's bin folder (trunk, wasm-bindgen),
// then node_modules/.bin.
const PATH = [path.join(os.homedir(), '.cargo/bin'), path.join(ROOT, 'node_modules/.bin'), process.env.PATH].join(':');
// The first development build compiles every dependency for wasm32; later ones only the app.
const BUILD_TIMEOUT_MS = 10 * 60_000;

let trunk; // { child, url, output() }
let dist;
let browser;

async function freePort() {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `trunk serve` and resolves once it says it is listening (after its first build). */
async function startTrunkServe(port, distDir) {
  // Its own process group, so `after` ends trunk and the cargo builds it spawned together.
  // NO_COLOR: Trunk 0.21.14 refuses any value but true/false (an inherited NO_COLOR=1 included).
  const child = spawn('trunk', ['serve', '--port', String(port), '--dist', distDir], {
    cwd: ROOT, env: { ...process.env, PATH, NO_COLOR: 'true' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let output = '';
  const listening = new Promise((resolve, reject) => {
    const onData = (d) => {
      output += d;
      if (/server listening at/.test(output)) resolve();
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`trunk serve exited (code ${code}, signal ${signal}) before serving:\n${output.slice(-4000)}`)));
  });
  await listening;
  return { child, url: `http://127.0.0.1:${port}/`, output: () => output };
}

async function stopTrunkServe() {
  const { child } = trunk ?? {};
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
  await exited;
  clearTimeout(timer);
}

before(async () => {
  await fsp.mkdir(path.join(ROOT, 'target'), { recursive: true });
  dist = await fsp.mkdtemp(path.join(ROOT, 'target', 'e2e-trunk-serve-'));
  trunk = await startTrunkServe(await freePort(), dist);
  // A config.json at the repository root is copied into every build (xtask post-build); this
  // test is about a checkout without one.
  await fsp.rm(path.join(dist, 'config.json'), { force: true });
  browser = await launchBrowser();
}, { timeout: BUILD_TIMEOUT_MS });

after(async () => {
  await browser?.close().catch(() => {});
  await stopTrunkServe().catch(() => {});
  if (dist) await fsp.rm(dist, { recursive: true, force: true });
});

/** A fresh page that records console messages, uncaught errors and CSP violations. */
async function openPage() {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  const seen = { console: [], errors: [], violations: [] };
  await context.exposeBinding('__cspViolation', (_source, v) => { seen.violations.push(v); });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolation(`${e.effectiveDirective} refused ${e.blockedURI} (${e.sample})`);
    }, true);
  });
  const page = await context.newPage();
  page.on('console', (m) => seen.console.push({ type: m.type(), text: m.text(), url: m.location().url }));
  page.on('pageerror', (e) => seen.errors.push(`${e.name}: ${e.message}`));
  await page.goto(trunk.url);
  await page.getByTestId('setup').waitFor();
  // Everything the page asks for has arrived and been handled: no late message is missed.
  await page.waitForLoadState('networkidle');
  return { page, seen, close: () => context.close() };
}

function assertCleanConsole(seen) {
  assert.deepEqual(seen.errors, [], 'no uncaught error');
  assert.deepEqual(seen.violations, [], 'no Content-Security-Policy violation');
  const errors = seen.console.filter((m) => m.type === 'error' || isCspConsoleMessage(m.text));
  assert.deepEqual(errors, [], 'no console error');
}

test('trunk serve answers a missing config.json with its index.html, and injects no autoreload script', { timeout: 60_000 }, async () => {
  const answer = await fetch(trunk.url + 'config.json');
  assert.equal(answer.status, 200, 'the single-page fallback, not a 404');
  assert.match(answer.headers.get('content-type'), /^text\/html/);
  const html = await (await fetch(trunk.url)).text();
  assert.doesNotMatch(html, /\.well-known\/trunk\/ws/, 'Trunk.toml switches autoreload off');
});

test('without config.json the setup screen says it was not found and why, and the console stays clean', { timeout: 60_000 }, async () => {
  const { page, seen, close } = await openPage();
  try {
    const first = page.locator('ul[data-testid="config-errors"] > li').first();
    assert.equal((await first.locator('code').textContent()).trim(), 'config.json');
    const text = await first.textContent();
    assert.match(text, /was not found beside index\.html: the server sent a web page in its place \(Content-Type: text\/html\)/);
    assert.match(text, /trunk serve/);
    assert.doesNotMatch(await page.getByTestId('config-errors').textContent(), /not valid JSON/);
    assertCleanConsole(seen);
  } finally {
    await close();
  }
});

test('the setup screen offers cargo xtask serve and the local emulator to a newcomer', { timeout: 60_000 }, async () => {
  const { page, seen, close } = await openPage();
  try {
    const hint = (await page.getByTestId('emulator-hint').textContent()).replace(/\s+/g, ' ');
    assert.match(hint, /No Google account at hand\? cargo xtask serve runs this page against the bundled local Google emulator/);
    assertCleanConsole(seen);
  } finally {
    await close();
  }
});
