// `cargo xtask bench`: the bytes of each module, and timings of the app against two yardsticks,
// all served the same way (strict CSP; hashed assets cacheable, as a real host would serve them)
// and run interleaved in the same headless Chromium against the same emulator:
//
//   - a hand-written JavaScript page doing the same protocol steps (tests/bench/baseline/), and
//   - the bare Yew page (tests/bench/bare-yew/: a heading and a button, the app's release
//     settings): what the framework costs before an app does anything.
//
//   (a) navigation start → the sign-in button is in the page and usable (first visit, cold cache)
//   (p) first contentful paint of that visit
//   (b) landing on the redirect URI with a token → the profile is shown (fetchStart of the landing
//       document, after the emulator's redirect). The app's Sign in is clicked once the app has
//       taken the page over from the front door (it loads when the page is idle), so its module
//       is in the HTTP cache, as after a person's real round trip through the consent page.
//   (t) a click on Tasks → the tasks shown, the features module already prefetched
//   (w) in popup mode, the popup's landing (its request for the redirect URI) → the popup closed
//
// Then over an emulated mobile network (CDP Network.emulateNetworkConditions: 1.6 Mb/s down,
// 750 kb/s up, 150 ms round trip), where bytes count most: (a) and (p) with a cold cache, and (b)
// with the app module in the HTTP cache and, beside it, with the cache cleared before the
// consent page answers (cold).
//
// Exit code: 0 every budget met, 3 a budget missed, anything else an error.
// Environment: APP_DIST (the release build), BARE_DIST (the bare Yew build), BENCH_RUNS (default
// 15), BENCH_MOBILE_RUNS (default 5), EMULATOR_BIN, XTASK_BIN.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { startAppServer, startEmulator, launchBrowser, emulatorConfig, AUTH_PATH, ADA, TASKS_READONLY, tickAll } from '../e2e/harness.mjs';

const ROOT = process.cwd();
const DIST = path.resolve(ROOT, process.env.APP_DIST || 'dist');
const BARE = path.resolve(ROOT, process.env.BARE_DIST || 'target/dist-bare-yew');
const BASELINE = path.resolve(ROOT, 'tests/bench/baseline');
const RUNS = Number(process.env.BENCH_RUNS || 15);
const MOBILE_RUNS = Number(process.env.BENCH_MOBILE_RUNS || 5);
const MOBILE = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };
const BUDGET = {
  gzipBytes: 40_000,
  ratioA: 1.0,
  ratioB: 1.2,
  ratioPaint: 1.2,
  mobileRatioA: 0.6,
  mobileRatioB: 1.3,
};

const results = [];
const budget = (ok, text) => results.push({ ok, text });
const num = (n) => n.toLocaleString('en-US');
const ms = (x) => `${x.toFixed(1)} ms`;
const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---------------------------------------------------------------------------
// Bytes

function files(dir, prefix = '') {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory()
    ? files(path.join(dir, d.name), `${prefix}${d.name}/`)
    : /\.(html|js|wasm|css)$/.test(d.name) ? [`${prefix}${d.name}`] : []));
}

function sizes(dir) {
  return files(dir).sort().map((f) => {
    const bytes = fs.readFileSync(path.join(dir, f));
    return {
      file: f,
      raw: bytes.length,
      gzip: zlib.gzipSync(bytes, { level: 9 }).length,
      brotli: zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  });
}

const sum = (rows) => rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
function table(title, rows) {
  console.log(`\n${title}`);
  console.log(`  ${'file'.padEnd(52)} ${'raw'.padStart(9)} ${'gzip'.padStart(9)} ${'brotli'.padStart(9)}`);
  for (const r of [...rows, { file: 'total', ...sum(rows) }]) {
    console.log(`  ${r.file.padEnd(52)} ${num(r.raw).padStart(9)} ${num(r.gzip).padStart(9)} ${num(r.brotli).padStart(9)}`);
  }
}
const appRows = sizes(DIST);
const isFeatures = (f) => /^features-/.test(f);
const isDoor = (f) => /^(index\.html|front-door-|snippets\/)/.test(f);
const isApp = (f) => /^(app-google-|style-)/.test(f);
const isAnyProvider = (f) => /^app-any-provider-/.test(f);
table(`The page and the front door: ${path.relative(ROOT, DIST)}/ (gzip -9, brotli 11; config.json is per deployment and not counted)`, appRows.filter((r) => isDoor(r.file)));
table('The app for Google (and the rest of the styles): loaded at idle, or at once on the way back from the provider', appRows.filter((r) => isApp(r.file)));
table('The app for any OpenID provider: loaded instead of it when config.json names another provider', appRows.filter((r) => isAnyProvider(r.file)));
table('The features module (Tasks, Calendar, the inspector): fetched by the app at idle or when a view opens', appRows.filter((r) => isFeatures(r.file)));
table(`The bare Yew page: ${path.relative(ROOT, BARE)}/`, sizes(BARE));

// ---------------------------------------------------------------------------
// Timings

// In every page before any of its scripts: when the sign-in button and the profile appear.
const MARKS = () => {
  const marks = (window.__bench = {});
  const look = () => {
    if (marks.button === undefined) {
      const button = [...document.querySelectorAll('button')].find((b) => /Sign in/.test(b.textContent) && !b.disabled);
      if (button) marks.button = performance.now();
    }
    if (marks.profile === undefined && document.querySelector('[data-testid="profile"]')) marks.profile = performance.now();
    if (marks.tasks === undefined && document.querySelector('[data-testid="task"]')) marks.tasks = performance.now();
  };
  new MutationObserver(look).observe(document, { childList: true, subtree: true, characterData: true });
};

const firstPaint = (page) => page.evaluate(() => performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime);

/** A first visit in a fresh context: [(a), (p), the paths fetched before the button was usable]. */
async function firstVisit(context, target, network) {
  const page = await context.newPage();
  if (network) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', network);
  }
  await page.goto(target.url, { waitUntil: 'commit' });
  const a = await (await page.waitForFunction(() => window.__bench.button, null, { timeout: 60_000 })).jsonValue();
  await page.waitForFunction(() => performance.getEntriesByType('paint').length > 0);
  const p = await firstPaint(page);
  // What the page had asked for by the time the button was usable (the document itself aside).
  const before = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => e.startTime <= window.__bench.button)
    .map((e) => new URL(e.name).pathname));
  return { page, a, p, before: ['/index.html', ...before] };
}

async function consent(page, emulatorOrigin, targetOrigin) {
  await page.waitForURL((u) => u.origin === emulatorOrigin && u.pathname === AUTH_PATH);
  await page.getByRole('radio', { name: new RegExp(ADA.email.replace(/\./g, '\\.')) }).check();
  await tickAll(page);
  await page.getByRole('button', { name: 'Allow', exact: true }).click();
  await page.waitForURL((u) => u.origin === targetOrigin);
}

/** One round for a target: (a), (p), and with `signIn` (b) and, for the app, (t). */
/** The app has taken the page over from the front door (it renders the server line). */
const appHere = (page) => page.locator('footer.server-line').waitFor({ timeout: 60_000 });

async function measure(browser, target, emulatorOrigin, { signIn, tasks, app }) {
  const context = await browser.newContext();
  try {
    context.setDefaultTimeout(20_000);
    await context.addInitScript(MARKS);
    const { page, a, p, before } = await firstVisit(context, target);
    if (!signIn) return { a, p, before };
    if (app) await appHere(page);
    await page.getByRole('button', { name: /Sign in/ }).click();
    await consent(page, emulatorOrigin, target.origin);
    await page.waitForFunction(() => window.__bench.profile);
    const b = await page.evaluate(() => window.__bench.profile - performance.getEntriesByType('navigation')[0].fetchStart);
    if (!tasks) return { a, p, b, before };
    // The features module comes at idle once the profile shows; the inspector is its first view.
    await page.getByTestId('inspector').waitFor();
    const clicked = await page.evaluate(() => performance.now());
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Tasks', exact: true }).click();
    await page.waitForFunction(() => window.__bench.tasks);
    const t = await page.evaluate((from) => window.__bench.tasks - from, clicked);
    return { a, p, b, t, before };
  } finally {
    await context.close();
  }
}

/** Over the mobile network: (a) and (p) of a first visit; with `signIn`, (b) warm and cold. */
async function mobileVisit(browser, target, emulatorOrigin, { signIn, app, cold }) {
  const context = await browser.newContext();
  try {
    context.setDefaultTimeout(60_000);
    await context.addInitScript(MARKS);
    const { page, a, p } = await firstVisit(context, target, MOBILE);
    if (!signIn) return { a, p };
    if (app) await appHere(page);
    await page.getByRole('button', { name: /Sign in/ }).click();
    await page.waitForURL((u) => u.origin === emulatorOrigin && u.pathname === AUTH_PATH);
    await page.getByRole('radio', { name: new RegExp(ADA.email.replace(/\./g, '\\.')) }).check();
    if (cold) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.clearBrowserCache');
    }
    await page.getByRole('button', { name: 'Allow', exact: true }).click();
    await page.waitForURL((u) => u.origin === target.origin);
    await page.waitForFunction(() => window.__bench.profile);
    const b = await page.evaluate(() => window.__bench.profile - performance.getEntriesByType('navigation')[0].fetchStart);
    return { a, p, b };
  } finally {
    await context.close();
  }
}

/** Popup mode: the popup's request for the redirect URI → the popup closed (ms). */
async function popupRound(browser, target, emulatorOrigin, { app }) {
  const context = await browser.newContext();
  try {
    context.setDefaultTimeout(20_000);
    await context.addInitScript(MARKS);
    const { page } = await firstVisit(context, target);
    if (app) await appHere(page);
    const opened = context.waitForEvent('page');
    await page.getByRole('button', { name: /Sign in/ }).click();
    const popup = await opened;
    let landed;
    popup.on('request', (r) => {
      if (landed === undefined && r.isNavigationRequest() && new URL(r.url()).origin === target.origin) landed = Date.now();
    });
    const closed = popup.waitForEvent('close', { timeout: 20_000 }).then(() => Date.now());
    await popup.waitForURL((u) => u.origin === emulatorOrigin && u.pathname === AUTH_PATH);
    await popup.getByRole('radio', { name: new RegExp(ADA.email.replace(/\./g, '\\.')) }).check();
    await popup.getByRole('button', { name: 'Allow', exact: true }).click();
    const w = (await closed) - landed;
    await page.waitForFunction(() => window.__bench.profile);
    return w;
  } finally {
    await context.close();
  }
}

const app = await startAppServer({ dist: DIST, immutableAssets: true });
const js = await startAppServer({ dist: BASELINE, immutableAssets: true });
const bare = await startAppServer({ dist: BARE, immutableAssets: true });
const emulator = await startEmulator({ redirectUris: [app.url, js.url] });
// Both sign-in pages do the same work: the plain implicit grant ("flow": "token", pinned here
// whatever the harness's default becomes): fragment, state, token info, audience, user info. With
// "token id_token" the app would also fetch the key set and verify the ID token with WebCrypto,
// work the JavaScript page does not do. The app also asks for Tasks (read only) at sign-in, so that
// (t) can show tasks at once; the JavaScript page ignores the extra scope.
const config = { ...emulatorConfig(emulator.origin), flow: 'token' };
app.setConfig({ ...config, scopes: [...config.scopes, TASKS_READONLY] });
js.setConfig(config);
const browser = await launchBrowser();
const timings = { ours: { a: [], p: [], b: [], t: [] }, js: { a: [], p: [], b: [] }, bare: { a: [], p: [] } };
const mobile = { ours: { a: [], p: [], b: [], bCold: [] }, js: { a: [], p: [], b: [], bCold: [] }, bare: { a: [], p: [] } };
const popups = { ours: [], js: [] };
let fetchedBeforeUsable = [];
try {
  const targets = { ours: app, js, bare };
  const options = { ours: { signIn: true, tasks: true, app: true }, js: { signIn: true }, bare: {} };
  // One untimed round first (the browser's own start-up), then rotate which goes first.
  for (let run = -1; run < RUNS; run++) {
    const names = ['ours', 'js', 'bare'];
    const order = names.map((_, i) => names[(i + run + 3) % 3]);
    for (const name of order) {
      const r = await measure(browser, targets[name], emulator.origin, options[name]);
      if (name === 'ours' && run === 0) fetchedBeforeUsable = r.before;
      if (run >= 0) for (const key of Object.keys(timings[name])) timings[name][key].push(r[key]);
    }
    // The emulator keeps every token it issued; start each round afresh.
    await emulator.reset();
  }
  for (let run = 0; run < MOBILE_RUNS; run++) {
    for (const name of ['ours', 'js', 'bare']) {
      const r = await mobileVisit(browser, targets[name], emulator.origin, { ...options[name], cold: false });
      mobile[name].a.push(r.a);
      mobile[name].p.push(r.p);
      if (r.b !== undefined) mobile[name].b.push(r.b);
      if (name === 'bare') continue;
      const c = await mobileVisit(browser, targets[name], emulator.origin, { ...options[name], cold: true });
      mobile[name].bCold.push(c.b);
    }
    await emulator.reset();
  }
  // Popup mode for both sign-in pages.
  app.setConfig({ ...config, scopes: [...config.scopes, TASKS_READONLY], display: 'popup' });
  js.setConfig({ ...config, display: 'popup' });
  for (let run = 0; run < RUNS; run++) {
    for (const name of ['ours', 'js']) popups[name].push(await popupRound(browser, targets[name], emulator.origin, options[name]));
    await emulator.reset();
  }
} finally {
  await browser.close();
  await emulator.stop();
  await app.close();
  await js.close();
  await bare.close();
}

// What the browser fetched before Sign in was usable, by file of the build (config.json aside).
const byFile = new Map(appRows.map((r) => [`/${r.file}`, r]));
const before = [...new Set(fetchedBeforeUsable)].filter((p) => byFile.has(p));
const beforeRows = before.map((p) => byFile.get(p));
table('Fetched before Sign in was usable (first visit)', beforeRows);
const beforeGzip = sum(beforeRows).gzip;
budget(beforeGzip <= BUDGET.gzipBytes, `bytes before Sign in works ${num(beforeGzip)} B gzip <= ${num(BUDGET.gzipBytes)} B`);
budget(!before.some((p) => /\/(features|app-google|app-any-provider|style)-/.test(p)), 'neither an app module nor the features module nor the rest of the styles is fetched before Sign in works');

const row = (label, values, ratio) => console.log(`  ${label.padEnd(44)} ${values.map((v) => (v === undefined ? '' : ms(v)).padStart(10)).join(' ')} ${ratio === undefined ? '' : ratio.toFixed(2).padStart(6)}`);
console.log(`\nTimings: median of ${RUNS} runs each, headless Chromium, loopback, interleaved`);
console.log(`  ${''.padEnd(44)} ${'ours'.padStart(10)} ${'JS page'.padStart(10)} ${'bare Yew'.padStart(10)} ${'ratio'.padStart(6)}`);
const m = (name, key) => (timings[name][key].length ? median(timings[name][key]) : undefined);
const ratioA = m('ours', 'a') / m('bare', 'a');
const ratioB = m('ours', 'b') / m('js', 'b');
const ratioP = m('ours', 'p') / m('js', 'p');
row('(a) navigation → Sign in usable (/ bare Yew)', [m('ours', 'a'), m('js', 'a'), m('bare', 'a')], ratioA);
row('(p) first contentful paint (/ JS page)', [m('ours', 'p'), m('js', 'p'), m('bare', 'p')], ratioP);
row('(b) redirect landing → profile (/ JS page)', [m('ours', 'b'), m('js', 'b'), undefined], ratioB);
row('(t) click on Tasks → tasks shown (prefetched)', [m('ours', 't'), undefined, undefined]);
const paired = (key, base) => median(timings.ours[key].map((x, i) => x / timings[base][key][i]));
console.log(`  per-round ratios (medians): (a) ${paired('a', 'bare').toFixed(2)}, (p) ${paired('p', 'js').toFixed(2)}, (b) ${paired('b', 'js').toFixed(2)}`);
for (const name of Object.keys(timings)) {
  for (const key of Object.keys(timings[name])) {
    console.log(`  ${`${name} (${key}) all runs:`.padEnd(22)} ${timings[name][key].map((x) => x.toFixed(0)).join(' ')}`);
  }
}
budget(ratioA <= BUDGET.ratioA, `(a) ${ratioA.toFixed(2)} × the bare Yew page <= ${BUDGET.ratioA}`);
budget(ratioB <= BUDGET.ratioB, `(b) ${ratioB.toFixed(2)} × the JS page <= ${BUDGET.ratioB}`);
budget(ratioP <= BUDGET.ratioPaint, `first paint ${ratioP.toFixed(2)} × the JS page <= ${BUDGET.ratioPaint}`);

console.log(`\nPopup mode: median of ${RUNS} rounds each`);
const w = { ours: median(popups.ours), js: median(popups.js) };
row('(w) popup landing → popup closed (/ JS page)', [w.ours, w.js, undefined], w.ours / w.js);
console.log(`  ${'ours (w) all runs:'.padEnd(22)} ${popups.ours.map((x) => x.toFixed(0)).join(' ')}`);
console.log(`  ${'js (w) all runs:'.padEnd(22)} ${popups.js.map((x) => x.toFixed(0)).join(' ')}`);

console.log(`\nMobile network (1.6 Mb/s down, 150 ms round trip): median of ${MOBILE_RUNS} visits each`);
console.log(`  ${''.padEnd(44)} ${'ours'.padStart(10)} ${'JS page'.padStart(10)} ${'bare Yew'.padStart(10)} ${'ratio'.padStart(6)}`);
const mm = (name, key) => (mobile[name][key]?.length ? median(mobile[name][key]) : undefined);
const mobileA = mm('ours', 'a') / mm('bare', 'a');
const mobileB = mm('ours', 'b') / mm('js', 'b');
row('(a) navigation → Sign in usable, cold (/ bare)', ['ours', 'js', 'bare'].map((n) => mm(n, 'a')), mobileA);
row('(p) first contentful paint, cold', ['ours', 'js', 'bare'].map((n) => mm(n, 'p')));
row('(b) landing → profile, app cached (/ JS)', [mm('ours', 'b'), mm('js', 'b'), undefined], mobileB);
row('(b) landing → profile, cold cache (/ JS)', [mm('ours', 'bCold'), mm('js', 'bCold'), undefined], mm('ours', 'bCold') / mm('js', 'bCold'));
for (const name of ['ours', 'js', 'bare']) {
  for (const key of Object.keys(mobile[name])) {
    console.log(`  ${`${name} mobile (${key}):`.padEnd(22)} ${mobile[name][key].map((x) => x.toFixed(0)).join(' ')}`);
  }
}
budget(mobileA <= BUDGET.mobileRatioA, `mobile (a) ${mobileA.toFixed(2)} × the bare Yew page <= ${BUDGET.mobileRatioA}`);
budget(mobileB <= BUDGET.mobileRatioB, `mobile (b), app cached, ${mobileB.toFixed(2)} × the JS page <= ${BUDGET.mobileRatioB}`);

console.log('\nBudgets');
for (const r of results) console.log(`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.text}`);
process.exitCode = results.every((r) => r.ok) ? 0 : 3;
