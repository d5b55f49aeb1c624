// Shared end-to-end harness: a static server for the built app (dist/), the
// local Google emulator as a child process, and Playwright (Debian's Chromium).
//
// Usage in a test file:
//
//   import { useHarness, ADA } from './harness.mjs';
//   const h = useHarness();            // registers before/after/beforeEach/afterEach
//   h.test('name stating the behaviour', async ({ page }) => { ... });
//
// Every test gets: a reset emulator, the default config.json, fresh browser
// contexts (h.newPage()), and after the test the cross-cutting checks:
//   - no uncaught page error happened;
//   - the emulator log never shows an access token in a query string except on
//     /tokeninfo, nor in any header other than Authorization;
//   - no page request URL carries an access token (except /tokeninfo), and the
//     page never navigated to a URL containing a token other than a callback
//     URL the provider (or the test itself) delivered;
//   - nothing ever written to localStorage contains an access token, and at the end no
//     localStorage entry or cookie of any origin holds one;
//   - no console message and no history entry of any open page contains an access token;
//   - every request went to the app's origin or an origin the served config names
//     (its endpoints, and where profile pictures come from);
//   - no Content-Security-Policy violation was reported (securitypolicyviolation events and
//     console errors), except ones a test provoked and took with takeViolations().
//
// The static server sends the CSP that `cargo xtask csp` computes for the config it serves:
// as a header (with frame-ancestors) and as the meta tag of index.html, rewritten per config.

import { test as nodeTest, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { once } from 'node:events';
import { chromium } from 'playwright-core';
import { audit } from './axe.mjs';

export const CLIENT_ID = 'emulator-client.apps.googleusercontent.com';
export const OTHER_CLIENT_ID = 'other-app.apps.googleusercontent.com';
export const ADA = { name: 'Ada Lovelace', email: 'ada@example.test', sub: '100000000000000000001' };
export const GRACE = { name: 'Grace Hopper', email: 'grace@example.test', sub: '100000000000000000002' };
export const SESSION_KEY = 'browser-oauth.session';
export const PENDING_KEY = 'browser-oauth.pending';
export const CLIENT_ID_KEY = 'browser-oauth.client_id';
export const VIEW_KEY = 'browser-oauth.view';
export const TASKS_KEY = 'browser-oauth.draft.tasks';
export const TASKS = 'https://www.googleapis.com/auth/tasks';
export const TASKS_READONLY = 'https://www.googleapis.com/auth/tasks.readonly';
export const CALENDAR_READONLY = 'https://www.googleapis.com/auth/calendar.events.readonly';
export const AUTH_PATH = '/o/oauth2/v2/auth';
export const DECISION_PATH = '/o/oauth2/v2/auth/decision';

const ROOT = process.cwd();
export const DIST = path.resolve(ROOT, process.env.APP_DIST || 'dist');
/** The build made with `--public-url /some/path/` (cargo xtask test builds it). */
export const DIST_SUBPATH = path.resolve(ROOT, process.env.APP_DIST_SUBPATH || 'target/dist-subpath');
/** examples/sign-in/ as built by `trunk build` there (cargo xtask test makes it). */
export const DIST_EXAMPLE = path.resolve(ROOT, process.env.APP_DIST_EXAMPLE || 'target/dist-example');
const EMULATOR_BIN = path.resolve(ROOT, process.env.EMULATOR_BIN || 'target/debug/emulator');
/** Computes the CSP for a config (`cargo xtask` passes itself; any `cargo xtask` run builds it). */
const XTASK_BIN = path.resolve(ROOT, process.env.XTASK_BIN || 'target/debug/xtask');
const ARTIFACTS = path.resolve(ROOT, 'tests/e2e/artifacts');
const DEBUG = !!process.env.E2E_DEBUG;

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic',
];

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
};

// ---------------------------------------------------------------------------
// Static app server

function normalizeBasePath(p) {
  let b = p || '/';
  if (!b.startsWith('/')) b = '/' + b;
  if (!b.endsWith('/')) b += '/';
  return b;
}

/**
 * What `xtask csp --describe` says for this index.html and config text (null: no config.json):
 * { html (index.html with the CSP meta for it), header (the CSP header), origins (all the page may reach) }.
 */
const describeCache = new Map();
export function describeCsp(indexFile, configText) {
  const key = `${indexFile}\0${configText}`;
  if (!describeCache.has(key)) {
    describeCache.set(key, (async () => {
      const args = ['csp', '--describe', indexFile];
      let tmp;
      if (configText !== null) {
        tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'csp-'));
        await fsp.writeFile(path.join(tmp, 'config.json'), configText);
        args.push(path.join(tmp, 'config.json'));
      }
      try {
        return JSON.parse(await xtask(...args));
      } finally {
        if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
      }
    })());
  }
  return describeCache.get(key);
}

/** The served form of a config: object → JSON, string → as is, null → none (404). */
function configText(config) {
  if (config === null) return null;
  return typeof config === 'string' ? config : JSON.stringify(config);
}

/** Runs `xtask ARGS…` (the binary the harness uses for the CSP); resolves to its stdout. */
export async function xtask(...args) {
  const child = spawn(XTASK_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
  child.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
  const [code] = await once(child, 'close');
  if (code !== 0) throw new Error(`${XTASK_BIN} ${args.join(' ')} failed (${code}): ${err}`);
  return out;
}

/**
 * Serves `dist` under `basePath`, plus /config.json (and <basePath>config.json) from setConfig().
 * index.html goes out with the CSP computed for the config being served (header and meta).
 * `immutableAssets`: hashed assets cacheable for a year, as a real host would serve Trunk's
 * output (the benchmark's returning visit); otherwise nothing is cached.
 * `serveDeployed(dir)` switches to serving a deployed folder exactly as it is instead (its own
 * config.json and index.html, meta tag and all, no CSP header: a host that sets no headers).
 */
export async function startAppServer({ basePath = '/', dist = DIST, immutableAssets = false } = {}) {
  const base = normalizeBasePath(basePath);
  const DIST = path.resolve(dist);
  let config = null; // object | string | null
  let deployed = null; // a folder served as it is, or null
  const requests = [];
  const served = []; // what describeCsp gave for each index.html served

  const server = http.createServer(async (req, res) => {
    const send = (status, type, body, extra = {}) => {
      res.writeHead(status, {
        'Content-Type': type,
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-store',
        ...extra,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      requests.push({ method: req.method, url: req.url });
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return send(405, 'text/plain; charset=utf-8', 'method not allowed', { Allow: 'GET, HEAD' });
      }
      const pathname = decodeURIComponent(url.pathname);
      if (deployed === null && (pathname === '/config.json' || pathname === base + 'config.json')) {
        if (config === null) return send(404, 'text/plain; charset=utf-8', 'no config.json');
        if (typeof config === 'string') return send(200, 'application/json', config);
        return send(200, 'application/json', JSON.stringify(config));
      }
      if (base !== '/' && pathname === base.slice(0, -1)) {
        return send(301, 'text/plain; charset=utf-8', 'moved', { Location: base + url.search });
      }
      if (!pathname.startsWith(base)) return send(404, 'text/plain; charset=utf-8', 'not found');
      let rel = pathname.slice(base.length);
      if (rel === '' || rel.endsWith('/')) rel += 'index.html';
      const root = deployed ?? DIST;
      const file = path.resolve(root, rel);
      if (file !== root && !file.startsWith(root + path.sep)) {
        return send(403, 'text/plain; charset=utf-8', 'forbidden');
      }
      let body;
      try {
        const st = await fsp.stat(file);
        if (!st.isFile()) return send(404, 'text/plain; charset=utf-8', 'not found');
        body = await fsp.readFile(file);
      } catch {
        return send(404, 'text/plain; charset=utf-8', 'not found');
      }
      const type = CONTENT_TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
      if (deployed !== null && path.basename(file) === 'index.html') {
        // What the deployed config.json may reach, for the harness's checks; the page gets
        // whatever policy its own index.html carries.
        const deployedConfig = await fsp.readFile(path.join(deployed, 'config.json'), 'utf8').catch(() => null);
        served.push(await describeCsp(file, deployedConfig));
        return send(200, type, body, { 'X-Content-Type-Options': 'nosniff' });
      }
      if (path.basename(file) === 'index.html') {
        const csp = await describeCsp(file, configText(config));
        served.push(csp);
        return send(200, type, csp.html, {
          'Content-Security-Policy': csp.header,
          'X-Frame-Options': 'DENY',
          'X-Content-Type-Options': 'nosniff',
        });
      }
      // Content-named files, and wasm-bindgen's snippets (their folder is named after a hash).
      const hashed = /-[0-9a-f]{8,16}(_bg)?\.[a-z]+$|\/snippets\/[^/]+-[0-9a-f]{16}\/[^/]+$/.test(file);
      return send(200, type, body, immutableAssets && hashed ? { 'Cache-Control': 'public, max-age=31536000, immutable' } : {});
    } catch (e) {
      return send(500, 'text/plain; charset=utf-8', String(e));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = server.address().port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    origin,
    basePath: base,
    /** The app's URL (and its redirect URI). */
    url: origin + base,
    requests,
    /** describeCsp() answers for every index.html served, oldest first. */
    served,
    setConfig(c) { config = c === undefined ? null : c; },
    /** Serve `dir` as deployed (null: back to dist/ with the per-test config and its CSP). */
    serveDeployed(dir) { deployed = dir === null ? null : path.resolve(dir); },
    async close() {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(() => r()));
    },
  };
}

// ---------------------------------------------------------------------------
// Emulator

export async function startEmulator({ redirectUris, clientId = CLIENT_ID }) {
  try {
    fs.accessSync(EMULATOR_BIN, fs.constants.X_OK);
  } catch {
    throw new Error(`emulator binary not found or not executable: ${EMULATOR_BIN} (set EMULATOR_BIN)`);
  }
  const args = ['--port', '0', '--client-id', clientId];
  for (const r of redirectUris) args.push('--redirect-uri', r);
  const child = spawn(EMULATOR_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    stderr += d;
    if (DEBUG) process.stderr.write(`[emulator] ${d}`);
  });
  child.stdout.setEncoding('utf8');
  const origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`emulator did not report its address within 15s\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 15_000);
    const onData = (d) => {
      stdout += d;
      if (DEBUG) process.stderr.write(`[emulator] ${d}`);
      const m = /emulator listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(m[1]);
      }
    };
    const onExit = (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited early (code ${code}, signal ${sig})\nstdout: ${stdout}\nstderr: ${stderr}`));
    };
    child.stdout.on('data', onData);
    child.once('exit', onExit);
  });
  // Keep draining stdout so the child never blocks on a full pipe.
  child.stdout.on('data', () => {});

  const call = async (method, p, body) => {
    const res = await fetch(origin + p, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator ${method} ${p} -> ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  };

  return {
    origin,
    port: Number(new URL(origin).port),
    get stderr() { return stderr; },
    reset: () => call('POST', '/emulator/reset'),
    knobs: (obj) => call('POST', '/emulator/knobs', obj),
    expireTokens: () => call('POST', '/emulator/expire-tokens'),
    tokens: () => call('GET', '/emulator/tokens'),
    log: () => call('GET', '/emulator/log'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** The config.json that points the app at the emulator at `e` (its origin). */
export function emulatorConfig(e) {
  return {
    client_id: CLIENT_ID,
    flow: 'token',
    scopes: ['openid', 'email', 'profile'],
    issuer: e,
    jwks_uri: `${e}/oauth2/v3/certs`,
    authorization_endpoint: `${e}${AUTH_PATH}`,
    tokeninfo_endpoint: `${e}/tokeninfo`,
    userinfo_endpoint: `${e}/oauth2/v3/userinfo`,
    revocation_endpoint: `${e}/revoke`,
    api_base: e,
    token_storage: 'session',
  };
}

// ---------------------------------------------------------------------------
// Small pure helpers

/** Render a log entry's query or body as text, whatever shape the emulator used. */
export function asText(v) {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export function decodeAll(s) {
  let out = s;
  for (let i = 0; i < 3; i++) {
    try {
      const d = decodeURIComponent(out.replace(/\+/g, ' '));
      if (d === out) break;
      out = d;
    } catch {
      break;
    }
  }
  return out;
}

/** Does the string contain any of the given tokens (raw or percent-encoded)? */
export function containsAny(s, tokens) {
  if (!s) return null;
  const hay = [s, decodeAll(s)];
  for (const t of tokens) {
    if (!t) continue;
    if (hay.some((h) => h.includes(t) || h.includes(encodeURIComponent(t)))) return t;
  }
  return null;
}

/** Parse a URL fragment (without '#') into [key, value] pairs. */
export function fragmentParams(url) {
  const hash = new URL(url).hash.replace(/^#/, '');
  return [...new URLSearchParams(hash)];
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Clicks `button` and returns the popup it opens. */
export async function clickForPopup(page, button) {
  const [popup] = await Promise.all([page.waitForEvent('popup'), button.click()]);
  return popup;
}

/** On the consent page, ticks every scope's box (they start unticked, as Google's do). */
export async function tickAll(page) {
  for (const box of await page.locator('input[type="checkbox"][name="scope"]').all()) await box.check();
}

/** In a popup on the consent page: approve as Ada, granting all. Returns the authorization URL it showed. */
export async function approveInPopup(popup) {
  await popup.waitForURL((u) => u.pathname === AUTH_PATH);
  const url = new URL(popup.url());
  await popup.getByRole('radio', { name: /ada@example\.test/ }).check();
  await tickAll(popup);
  await popup.getByRole('button', { name: 'Allow', exact: true }).click();
  return url;
}

/** Poll `fn` until it returns a truthy value (returned) or time runs out. */
export async function waitFor(fn, { timeout = 10_000, interval = 100, message = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeout}ms waiting for ${message}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    }
    await sleep(interval);
  }
}

/** Chromium's console error for a CSP violation, or for a policy it could not apply. */
export function isCspConsoleMessage(line) {
  return /Content Security Policy|Content-Security-Policy|Trusted ?(Type|Script|HTML)/i.test(line);
}

function slug(s) {
  return s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 80);
}

// Recorded inside every page (before any app script): writes to Web Storage.
const STORAGE_SPY = () => {
  try {
    const proto = Storage.prototype;
    const origSet = proto.setItem;
    const report = (area, key, value) => {
      try {
        const fn = window.__e2eStorageWrite;
        if (typeof fn === 'function') fn(area, String(key), String(value)).catch(() => {});
      } catch { /* ignore */ }
    };
    proto.setItem = function (key, value) {
      const area = this === window.localStorage ? 'local' : this === window.sessionStorage ? 'session' : 'other';
      report(area, key, value);
      return origSet.call(this, key, value);
    };
  } catch { /* ignore */ }
};

// Recorded inside every page (before any app script): Content-Security-Policy violations.
const CSP_SPY = () => {
  document.addEventListener('securitypolicyviolation', (e) => {
    try {
      window.__e2eCspViolation?.({
        directive: e.effectiveDirective, blocked: e.blockedURI, document: e.documentURI,
        sample: e.sample, source: `${e.sourceFile}:${e.lineNumber}`,
      }).catch(() => {});
    } catch { /* ignore */ }
  }, true);
};

const CHROMIUM_BIN = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

/**
 * Chromium features no page under test meets, turned off for what they cost: the address bar's
 * dropdown, which Chromium 156 renders as WebUI, preloaded in two renderers of their own for
 * each window, that is for each browser context (a quarter of the CPU of signin and setup's
 * tests, measured; no test opens it).
 */
const DISABLED_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'];

/**
 * Playwright's own `--disable-features=…` switch, or null: Chromium keeps only the last of a
 * repeated switch, so ours must carry Playwright's list too, and replace its switch. Read once
 * per process from a browser launched for that alone (`--enable-automation` lets DevTools
 * return the command line).
 */
let playwrightFeatures;
function playwrightDisabledFeatures() {
  playwrightFeatures ??= (async () => {
    const probe = await chromium.launch({ executablePath: CHROMIUM_BIN, args: [...CHROMIUM_ARGS, '--enable-automation'] });
    try {
      const cdp = await probe.newBrowserCDPSession();
      const { arguments: argv } = await cdp.send('Browser.getBrowserCommandLine');
      return argv.find((a) => a.startsWith('--disable-features=')) ?? null;
    } finally {
      await probe.close();
    }
  })();
  return playwrightFeatures;
}

export async function launchBrowser() {
  const theirs = await playwrightDisabledFeatures();
  const features = [...(theirs ? theirs.slice('--disable-features='.length).split(',') : []), ...DISABLED_FEATURES];
  return chromium.launch({
    executablePath: CHROMIUM_BIN,
    args: [...CHROMIUM_ARGS, `--disable-features=${features.join(',')}`],
    ignoreDefaultArgs: theirs ? [theirs] : [],
  });
}

// ---------------------------------------------------------------------------
// Sharing across files
//
// `run-all.mjs` imports every test file into one process, each as its own suite (its hooks
// stay its own). It calls shareAcrossFiles() first: the harnesses then share one Chromium, and
// those with the same options an app server and an emulator, instead of starting their own.
// Files may run side by side (run-all.mjs's lanes), so a stack (an app server and its emulator)
// is lent to one file at a time: a file takes an idle one with its options, or starts one, and
// gives it back after its last test. Each test still gets fresh browser contexts, a reset
// emulator and its own config.json (see beforeEachTest), so what a file sees does not depend on
// the files before it or beside it. Run on its own (`node --test tests/e2e/x.test.mjs`), a file
// starts and stops its own, as before.

const shared = { enabled: false, browser: null, stacks: [] }; // stacks: { key, stack, busy }

export function shareAcrossFiles() { shared.enabled = true; }

/** Closes what the files shared (run-all.mjs, after the last file). */
export async function closeShared() {
  const stacks = shared.stacks;
  shared.stacks = [];
  for (const entry of stacks) {
    const { app, emu } = await entry.stack.catch(() => ({}));
    await emu?.stop().catch(() => {});
    await app?.close().catch(() => {});
  }
  const browser = shared.browser;
  shared.browser = null;
  await (await browser?.catch(() => null))?.close().catch(() => {});
}

/** An idle shared stack with these options, or a new one; the caller gives it back (busy = false). */
function borrowStack(opts) {
  const key = JSON.stringify(opts);
  let entry = shared.stacks.find((e) => e.key === key && !e.busy);
  if (!entry) {
    entry = { key, stack: startStack(opts), busy: false };
    shared.stacks.push(entry);
  }
  entry.busy = true;
  return entry;
}

/** The app server and emulator for these harness options. */
async function startStack({ basePath, dist, extraRedirectPaths }) {
  const app = await startAppServer({ basePath, dist });
  const redirectUris = [app.url, ...extraRedirectPaths.map((p) => app.origin + p)];
  try {
    return { app, emu: await startEmulator({ redirectUris }) };
  } catch (e) {
    await app.close().catch(() => {});
    throw e;
  }
}

// ---------------------------------------------------------------------------
// The harness

export class Harness {
  constructor({ basePath = '/', dist = DIST, extraRedirectPaths = [] } = {}) {
    this.opts = { basePath, dist, extraRedirectPaths };
    this.browser = null;
    this.app = null;
    this.emu = null;
    this.contexts = [];
    this.pages = [];
    this.pageErrors = [];
    this.consoleMessages = [];
    this.consoleEntries = []; // {type, text, url}
    this.navigations = []; // {url, page}
    this.pageRequests = []; // request URLs made by pages
    this.blockedRequests = new Set(); // requests the browser refused (CSP) before sending
    this.cspViolations = []; // securitypolicyviolation events
    this.storageWrites = []; // {area, key, value, origin}
    this.callbackUrls = []; // Location headers of the emulator's decision 302s
    this.allowedTokenUrls = new Set(); // URLs the test itself navigated to
    this.extraTokens = new Set(); // forged tokens a test used
    this.refreshTokens = new Set(); // refresh tokens a provider issued: memory only, anywhere else fails
    this.currentTest = '';
    this.audits = { audits: 0, ms: 0 }; // this file's axe audits and what they took
    this.shared = null; // the run-all.mjs stack lent to this file (its browser is shared too)
  }

  // -- lifecycle -------------------------------------------------------------

  async start() {
    if (shared.enabled) {
      this.shared = borrowStack(this.opts);
      shared.browser ??= launchBrowser();
      ({ app: this.app, emu: this.emu } = await this.shared.stack);
      const launched = shared.browser;
      this.browser = await launched;
      if (!this.browser.isConnected()) {
        // A file before this one lost the browser (it crashed, or a test closed it): a new one,
        // unless the file beside this one launched it already.
        if (shared.browser === launched) shared.browser = launchBrowser();
        this.browser = await shared.browser;
      }
      return;
    }
    ({ app: this.app, emu: this.emu } = await startStack(this.opts));
    this.browser = await launchBrowser();
  }

  async stop() {
    await this.closeContexts().catch(() => {});
    if (this.shared) {
      // closeShared() ends it after the last file; until then the next file may borrow it.
      this.shared.busy = false;
      return;
    }
    await this.browser?.close().catch(() => {});
    await this.emu?.stop().catch(() => {});
    await this.app?.close().catch(() => {});
  }

  async beforeEachTest(t) {
    this.currentTest = t?.name || '';
    this.pageErrors = [];
    this.consoleMessages = [];
    this.consoleEntries = [];
    this.navigations = [];
    this.pageRequests = [];
    this.blockedRequests = new Set();
    this.cspViolations = [];
    this.app.served.length = 0;
    this.app.serveDeployed(null);
    this.storageWrites = [];
    this.callbackUrls = [];
    this.allowedTokenUrls = new Set();
    this.extraTokens = new Set();
    this.refreshTokens = new Set();
    await this.emu.reset();
    // Belt and braces, in case reset() keeps knobs: back to the documented defaults.
    await this.emu.knobs({
      issue_to_client: null, prompt_none_error: null, token_lifetime_secs: null,
      fail: null, delay_ms: null, retry_after: null, page_size: null,
      id_token_forgery: null, jwks_without_current_key: null, stale_jwks: null,
      consent_preticked: null, email_verified_as_string: null,
    });
    this.app.setConfig(this.defaultConfig());
  }

  async afterEachTest() {
    let checkError = null;
    try {
      await this.auditOpenPages();
      await this.checkInvariants();
    } catch (e) {
      checkError = e;
    }
    await this.closeContexts();
    if (checkError) throw checkError;
  }

  /**
   * axe-core over the final state of every open page of the app or the emulator, light and dark
   * (before the invariants, which then also see any CSP violation the audit caused). A page
   * still navigating when the test ended has no settled state to audit.
   */
  async auditOpenPages() {
    for (const [i, page] of this.pages.entries()) {
      let origin = null;
      try { origin = new URL(page.url()).origin; } catch { /* about:blank */ }
      if (page.isClosed() || (origin !== this.app.origin && origin !== this.emu.origin)) continue;
      await audit(page, `${this.currentTest} (page ${i}, at the end)`, { tally: this.audits }).catch((e) => {
        if (page.isClosed() || /Execution context was destroyed|Target page, context or browser has been closed/.test(e.message)) return;
        throw e;
      });
    }
  }

  async closeContexts() {
    const ctxs = this.contexts;
    this.contexts = [];
    this.pages = [];
    await Promise.all(ctxs.map((c) => c.close().catch(() => {})));
  }

  // -- config ------------------------------------------------------------------

  defaultConfig() {
    return emulatorConfig(this.emu.origin);
  }

  /** object → JSON, string → served raw, null → 404. */
  setConfig(c) { this.app.setConfig(c); }

  // -- emulator ----------------------------------------------------------------

  reset() { return this.emu.reset(); }
  knobs(o) { return this.emu.knobs(o); }
  expireTokens() { return this.emu.expireTokens(); }
  tokens() { return this.emu.tokens(); }
  log() { return this.emu.log(); }

  /**
   * Waits until every request the pages have issued so far has been answered or has failed, so
   * the emulator's and the provider's logs hold each of them: what a test checks "was never
   * sent" after the app decided is then complete, without guessing a time for stragglers.
   * `request.response()` settles on an answer and on a failure alike.
   */
  async settled({ timeout = 10_000 } = {}) {
    const pending = this.pageRequests.map((r) => ({ r, done: false }));
    const all = Promise.all(pending.map(async (p) => {
      await p.r.req.response().catch(() => null);
      p.done = true;
    }));
    let timer;
    const bound = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`requests still unanswered after ${timeout} ms: ${
        pending.filter((p) => !p.done).map((p) => `${p.r.method} ${p.r.url}`).join(', ')}`)), timeout);
    });
    try {
      await Promise.race([all, bound]);
    } finally {
      clearTimeout(timer);
    }
  }

  get appUrl() { return this.app.url; }
  get appOrigin() { return this.app.origin; }
  get emulatorOrigin() { return this.emu.origin; }

  // -- browser -----------------------------------------------------------------

  /** A page in a fresh context; `options` go to browser.newContext (e.g. `{ colorScheme: 'dark' }`). */
  async newPage(options = {}) {
    const context = await this.browser.newContext(options);
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(15_000);
    await context.exposeBinding('__e2eStorageWrite', ({ frame }, area, key, value) => {
      let origin = '';
      try { origin = new URL(frame.url()).origin; } catch { /* ignore */ }
      this.storageWrites.push({ area, key, value, origin });
    });
    await context.addInitScript(STORAGE_SPY);
    await context.exposeBinding('__e2eCspViolation', (_source, v) => { this.cspViolations.push(v); });
    await context.addInitScript(CSP_SPY);
    this.contexts.push(context);
    // Popups and extra tabs of this context: their uncaught errors fail the test too.
    context.on('page', (other) => {
      other.on('pageerror', (err) => this.pageErrors.push(`${err.name}: ${err.message}\n${err.stack || ''}`));
    });
    // Console and requests of every page of the context, popups included.
    context.on('console', (msg) => {
      const line = `[${msg.type()}] ${msg.text()}`;
      this.consoleMessages.push(line);
      this.consoleEntries.push({ type: msg.type(), text: msg.text(), url: msg.location().url || msg.page()?.url() || '' });
      if (DEBUG) process.stderr.write(`[console] ${line}\n`);
    });
    context.on('request', (req) => {
      this.pageRequests.push({ req, url: req.url(), method: req.method(), resourceType: req.resourceType() });
    });
    context.on('requestfailed', (req) => {
      if (/ERR_BLOCKED_BY_CSP/.test(req.failure()?.errorText || '')) this.blockedRequests.add(req);
    });
    return this.watchTab(await context.newPage());
  }

  /**
   * Another tab of `page`'s browser context, watched like the first: it shares the HTTP cache,
   * BroadcastChannel and localStorage, not sessionStorage.
   */
  async newTab(page) {
    return this.watchTab(await page.context().newPage());
  }

  /** What the harness follows per tab: navigations, and the provider's callbacks. */
  watchTab(page) {
    this.pages.push(page);
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) this.navigations.push({ url: frame.url() });
    });
    page.on('response', async (res) => {
      try {
        const req = res.request();
        if (req.method() !== 'POST') return;
        if (new URL(res.url()).pathname !== DECISION_PATH) return;
        const loc = res.status() >= 300 && res.status() < 400 ? (await res.allHeaders()).location : undefined;
        if (loc) this.callbackUrls.push(new URL(loc, res.url()).href);
      } catch { /* page may be closing */ }
    });
    return page;
  }

  /** Navigate to a URL the test chose (allowed to carry a token, e.g. a replay or forgery). */
  async goto(page, url) {
    this.allowedTokenUrls.add(url);
    const cur = page.url();
    // A change of fragment alone would be a same-document navigation: load afresh instead.
    if (cur !== 'about:blank' && cur.split('#')[0] === url.split('#')[0]) {
      await page.goto('about:blank');
    }
    await page.goto(url);
  }

  /** Open the app in a new page (optionally at a path/fragment relative to the app URL). */
  async openApp(suffix = '') {
    const page = await this.newPage();
    await this.goto(page, this.appUrl + suffix);
    return page;
  }

  /** axe-core over `page` as it is now (tests/e2e/axe.mjs): throws on a serious or critical violation. */
  audit(page, label, options) { return audit(page, label, { tally: this.audits, ...options }); }

  signInButton(page) { return page.getByRole('button', { name: /Sign in/ }); }
  signOutButton(page) { return page.getByRole('button', { name: /Sign out/ }); }
  profile(page) { return page.getByTestId('profile'); }

  async waitSignedOut(page, timeout = 10_000) {
    await this.signInButton(page).first().waitFor({ state: 'visible', timeout });
  }

  async waitSignedIn(page, timeout = 10_000) {
    await this.profile(page).waitFor({ state: 'visible', timeout });
  }

  /** Click "Sign in" and wait for the emulator's consent page. Returns the authorization URL. */
  async startSignIn(page) {
    await this.signInButton(page).first().click();
    await page.waitForURL((u) => u.origin === this.emu.origin && u.pathname === AUTH_PATH);
    await page.getByText('Local Google emulator').first().waitFor({ state: 'visible' });
    return page.url();
  }

  /**
   * On the consent page: pick the account, tick what is granted, press Allow (or Cancel),
   * and wait until the browser is back on the app's origin. Returns the callback URL
   * (the decision 302's Location). The page's boxes start unticked, as Google's do: by default
   * every requested scope but those in `untick` is ticked, as a person granting the request
   * would; `asIs: true` presses Allow without touching a box (Google's most common outcome).
   */
  async decide(page, { account = ADA.email, untick = [], cancel = false, asIs = false } = {}) {
    const before = this.callbackUrls.length;
    await page.getByRole('radio', { name: new RegExp(account.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }).check();
    if (!asIs) {
      for (const box of await page.locator('input[type="checkbox"][name="scope"]').all()) {
        const scope = await box.getAttribute('value');
        if (untick.includes(scope)) await box.uncheck();
        else await box.check();
      }
    }
    await page.getByRole('button', { name: cancel ? 'Cancel' : 'Allow', exact: true }).click();
    await page.waitForURL((u) => u.origin === this.app.origin);
    const loc = await waitFor(() => this.callbackUrls[before], { timeout: 5000, message: 'the decision 302 Location' });
    return loc;
  }

  /** Full sign-in through the emulator; waits for the profile. Returns the callback URL. */
  async signIn(page, { account = ADA.email, untick = [] } = {}) {
    await this.startSignIn(page);
    const callback = await this.decide(page, { account, untick });
    await this.waitSignedIn(page);
    return callback;
  }

  // -- signed-in views and incremental authorization ----------------------------

  /** Clicks a view tab (Profile, Tasks, Calendar). */
  async openView(page, name) {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name, exact: true }).click();
  }

  /**
   * On a view asking for access, presses the button named `button`, checks the authorization
   * request Google gets (the extra scope, include_granted_scopes, the account hint), decides on
   * the consent page and returns to the app. Returns the authorization URL.
   */
  async grantFromView(page, button, { scope, account = ADA.email, untick = [], cancel = false, asIs = false } = {}) {
    await page.getByRole('button', { name: button }).click();
    await page.waitForURL((u) => u.origin === this.emu.origin && u.pathname === AUTH_PATH);
    const authUrl = new URL(page.url());
    if (scope) {
      assert.ok(authUrl.searchParams.get('scope').split(' ').includes(scope), `the request asks for ${scope}: ${authUrl}`);
    }
    assert.equal(authUrl.searchParams.get('include_granted_scopes'), 'true', 'incremental authorization keeps earlier grants');
    await this.decide(page, { account, untick, cancel, asIs });
    return authUrl;
  }

  /** Signs Ada in, opens Tasks and grants read-only (or full) access; waits for the tasks. */
  async signInWithTasks(page, { write = false } = {}) {
    await this.signIn(page);
    await this.openView(page, 'Tasks');
    if (write) {
      await this.grantFromView(page, 'Allow viewing and changing my tasks', { scope: TASKS });
    } else {
      await this.grantFromView(page, 'Allow viewing my tasks', { scope: TASKS_READONLY });
    }
    await this.waitTasks(page);
  }

  /** Waits until the Tasks view shows its rows. */
  async waitTasks(page, timeout = 15_000) {
    await page.getByTestId('tasks').waitFor({ timeout });
    await page.getByTestId('task').first().waitFor({ timeout });
  }

  /** Waits until no task row is being saved. */
  async waitSaved(page, timeout = 15_000) {
    await waitFor(async () => (await page.locator('[data-testid="task"].saving').count()) === 0, { timeout, message: 'saves to finish' });
  }

  /** The titles of the tasks shown, in order. */
  async taskTitles(page) {
    return (await page.locator('[data-testid="task"] .task-title').allTextContents()).map((t) => t.trim());
  }

  /** Calls the emulator's Tasks API as Ada with her newest token that carries a Tasks scope. */
  async tasksApi(path, { method = 'GET', body } = {}) {
    const tokens = (await this.tokens()).filter((t) => t.scopes.includes(TASKS) || t.scopes.includes(TASKS_READONLY));
    const token = tokens.at(-1)?.token;
    assert.ok(token, 'a token with a Tasks scope was issued');
    const res = await fetch(this.emu.origin + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return res.status === 204 ? null : res.json();
  }

  /** Ada's task lists and, for the named list, every task (hidden and deleted ones too), every page, in Google's order. */
  async googleTasks(listTitle = 'My Tasks') {
    const lists = await this.tasksApi('/tasks/v1/users/@me/lists');
    const list = lists.items.find((l) => l.title === listTitle);
    const tasks = [];
    let page = '';
    do {
      const answer = await this.tasksApi(`/tasks/v1/lists/${list.id}/tasks?showHidden=true&showDeleted=true&maxResults=100${page}`);
      tasks.push(...(answer.items || []));
      page = answer.nextPageToken ? `&pageToken=${answer.nextPageToken}` : '';
    } while (page);
    return { list, tasks };
  }

  /** Emulator log entries for Tasks API calls (no preflights), optionally of one method. */
  async tasksCalls(method) {
    return (await this.log()).filter((e) => e.path.startsWith('/tasks/v1/') && e.method !== 'OPTIONS' && (!method || e.method === method));
  }

  /** Waits for an alert carrying a <code>; returns {code, text} of the first such alert. */
  async alert(page, timeout = 10_000) {
    const loc = page.locator('[role="alert"]').filter({ has: page.locator('code') }).first();
    await loc.waitFor({ state: 'visible', timeout });
    const code = (await loc.locator('code').first().textContent()).trim();
    const text = (await loc.textContent()).trim();
    return { code, text, locator: loc };
  }

  /** Asserts an alert with this code is shown and that it has a sentence in words besides the code. */
  async expectAlert(page, expected, timeout = 10_000) {
    const { code, text, locator } = await this.alert(page, timeout);
    assert.equal(code, expected, `alert code (alert text: ${JSON.stringify(text)})`);
    const words = text.replace(expected, ' ').split(/\s+/).filter((w) => /[a-z]{2,}/i.test(w));
    assert.ok(words.length >= 3, `the alert explains the error in words, got ${JSON.stringify(text)}`);
    return { code, text, locator };
  }

  async sessionStorage(page) {
    return page.evaluate(() => Object.fromEntries(Object.keys(sessionStorage).map((k) => [k, sessionStorage.getItem(k)])));
  }

  async localStorage(page) {
    return page.evaluate(() => Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)])));
  }

  async storedSession(page) {
    const s = await this.sessionStorage(page);
    return s[SESSION_KEY] === undefined ? undefined : JSON.parse(s[SESSION_KEY]);
  }

  /** The browser history entries of the page (what back/forward can reach). */
  async historyUrls(page) {
    const cdp = await page.context().newCDPSession(page);
    try {
      const { entries } = await cdp.send('Page.getNavigationHistory');
      return entries.map((e) => e.url);
    } finally {
      await cdp.detach().catch(() => {});
    }
  }

  /** Every access token the emulator knows about, plus forged ones a test declared. */
  async allTokens() {
    const toks = (await this.emu.tokens()).map((t) => t.token);
    return [...toks, ...this.extraTokens];
  }

  /**
   * For a test that provokes violations: waits until at least `count` were reported (the events
   * reach the harness asynchronously), then returns and forgets them and the console errors
   * reporting them.
   */
  async takeViolations(count) {
    await waitFor(() => this.cspViolations.length >= count, { timeout: 5000, message: `${count} CSP violation reports` });
    await sleep(200);
    const taken = this.cspViolations;
    this.cspViolations = [];
    this.consoleMessages = this.consoleMessages.filter((m) => !isCspConsoleMessage(m));
    return taken;
  }

  /** Origins the page may reach: its own, and those the configs served in this test name. */
  allowedOrigins() {
    return new Set([this.app.origin, ...this.app.served.flatMap((d) => d.origins)]);
  }

  // -- cross-cutting invariants (run after every test) ---------------------------

  async checkInvariants() {
    assert.deepEqual(this.pageErrors, [], 'uncaught page errors');
    const tokens = await this.allTokens();
    const log = await this.emu.log();
    for (const e of log) {
      const where = `${e.method} ${e.path}`;
      if (e.path !== '/tokeninfo') {
        const q = asText(e.query);
        const hit = containsAny(q, tokens) ?? (/(^|&)access_token=/.test(q) ? 'access_token=' : null);
        assert.equal(hit, null, `emulator log: access token in the query string of ${where}?${asText(e.query)}`);
      }
      for (const [name, value] of Object.entries(e.headers || {})) {
        if (name.toLowerCase() === 'authorization') continue;
        const hit = containsAny(asText(value), tokens);
        assert.equal(hit, null, `emulator log: access token in header ${name} of ${where}`);
      }
    }
    for (const r of this.pageRequests) {
      let u;
      try { u = new URL(r.url); } catch { continue; }
      if (u.pathname === '/tokeninfo') continue;
      const hit = containsAny(u.pathname + u.search, tokens);
      assert.equal(hit, null, `page request URL carries an access token: ${r.method} ${r.url}`);
    }
    const allowed = new Set([...this.callbackUrls, ...this.allowedTokenUrls]);
    for (const n of this.navigations) {
      if (allowed.has(n.url)) continue;
      const hit = containsAny(n.url, tokens);
      assert.equal(hit, null, `the page navigated to a URL containing an access token: ${n.url}`);
    }
    for (const w of this.storageWrites) {
      if (w.area !== 'local') continue;
      const hit = containsAny(w.value, tokens) || containsAny(w.key, tokens);
      assert.equal(hit, null, `an access token was written to localStorage (key ${w.key})`);
      assert.ok(!/access_token/.test(w.key + w.value), `token-related data written to localStorage: ${w.key}=${w.value}`);
    }
    for (const line of this.consoleMessages) {
      assert.equal(containsAny(line, tokens), null, `a console message contains an access token: ${line}`);
    }
    const reachable = this.allowedOrigins();
    for (const r of this.pageRequests) {
      if (this.blockedRequests.has(r.req)) continue;
      let u;
      try { u = new URL(r.url); } catch { continue; }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') continue;
      assert.ok(reachable.has(u.origin), `a request went to ${u.origin}, which no served config names (${r.method} ${r.url}; allowed: ${[...reachable].join(', ')})`);
    }
    for (const context of this.contexts) {
      // Every origin's localStorage and cookies as they are now, set by setItem or otherwise.
      let state;
      try { state = await context.storageState(); } catch { continue; }
      for (const o of state.origins) {
        for (const { name, value } of o.localStorage) {
          assert.equal(containsAny(name + value, tokens), null, `localStorage of ${o.origin} holds an access token (key ${name})`);
        }
      }
      for (const c of state.cookies) {
        assert.equal(containsAny(c.value, tokens), null, `cookie ${c.name} of ${c.domain} holds an access token`);
      }
    }
    for (const page of this.pages) {
      if (page.isClosed()) continue;
      for (const u of await this.historyUrls(page).catch(() => [])) {
        assert.equal(containsAny(u, tokens), null, `a history entry contains an access token: ${u}`);
      }
    }
    await this.checkRefreshTokensInMemoryOnly();
    assert.deepEqual(this.cspViolations, [], 'Content-Security-Policy violations');
    assert.deepEqual(this.consoleMessages.filter(isCspConsoleMessage), [], 'console errors about the Content-Security-Policy');
  }

  /**
   * A refresh token lives in the page's memory only: never written to any storage (session,
   * local), never in a URL the page requested or navigated to (no exemption, not even a
   * callback), a console message, a history entry or, at the end, any open page's
   * sessionStorage, localStorage or cookies.
   */
  async checkRefreshTokensInMemoryOnly() {
    const refresh = [...this.refreshTokens];
    if (refresh.length === 0) return;
    for (const w of this.storageWrites) {
      assert.equal(containsAny(w.key + w.value, refresh), null, `a refresh token was written to ${w.area}Storage (key ${w.key})`);
    }
    for (const r of this.pageRequests) {
      assert.equal(containsAny(r.url, refresh), null, `a request URL carries a refresh token: ${r.method} ${r.url}`);
    }
    for (const n of this.navigations) {
      assert.equal(containsAny(n.url, refresh), null, `the page navigated to a URL with a refresh token: ${n.url}`);
    }
    for (const line of this.consoleMessages) {
      assert.equal(containsAny(line, refresh), null, `a console message contains a refresh token: ${line}`);
    }
    for (const page of this.pages) {
      if (page.isClosed()) continue;
      const stored = await page.evaluate(() => JSON.stringify([
        Object.entries(sessionStorage), Object.entries(localStorage), document.cookie,
      ])).catch(() => '');
      assert.equal(containsAny(stored, refresh), null, `the storage of ${page.url()} holds a refresh token`);
      for (const u of await this.historyUrls(page).catch(() => [])) {
        assert.equal(containsAny(u, refresh), null, `a history entry contains a refresh token: ${u}`);
      }
    }
  }

  async saveArtifacts(name, err) {
    try {
      await fsp.mkdir(ARTIFACTS, { recursive: true });
      const base = path.join(ARTIFACTS, slug(name));
      const lines = [
        `test: ${name}`,
        `error: ${err?.stack || err}`,
        '',
        '--- navigations', ...this.navigations.map((n) => n.url),
        '', '--- console', ...this.consoleMessages,
        '', '--- page errors', ...this.pageErrors,
        '', '--- callback URLs', ...this.callbackUrls,
      ];
      try {
        lines.push('', '--- emulator log', JSON.stringify(await this.emu.log(), null, 1));
      } catch { /* ignore */ }
      lines.push('', '--- emulator stderr', this.emu?.stderr || '');
      for (const [i, p] of this.pages.entries()) {
        if (p.isClosed()) continue;
        lines.push('', `--- page ${i} url`, p.url());
        try {
          lines.push(`--- page ${i} body text`, await p.locator('body').innerText({ timeout: 1000 }));
          await p.screenshot({ path: `${base}-${i}.png`, timeout: 3000 });
        } catch { /* ignore */ }
      }
      await fsp.writeFile(`${base}.log`, lines.join('\n'));
      return `${base}.log`;
    } catch {
      return null;
    }
  }

  /** node:test `test` with artifacts saved on failure. fn receives (t). */
  test(name, fn, opts = {}) {
    return nodeTest(name, { timeout: 60_000, ...opts }, async (t) => {
      try {
        await fn(t);
      } catch (err) {
        const file = await this.saveArtifacts(name, err);
        if (file) t.diagnostic(`artifacts: ${file}`);
        throw err;
      }
    });
  }
}

/** Create a harness and register the file-level hooks. */
export function useHarness(opts) {
  const h = new Harness(opts);
  before(async () => {
    await h.start();
  }, { timeout: 60_000 });
  after(async () => {
    await h.stop();
    const { audits, ms } = h.audits;
    process.stderr.write(`axe-core: ${audits} audits, ${(ms / 1000).toFixed(1)} s\n`);
  });
  beforeEach(async (t) => { await h.beforeEachTest(t); });
  afterEach(async () => { await h.afterEachTest(); });
  return h;
}
