// The front door (issue 20): a small module without Yew that index.html starts first. It takes
// the answer out of the URL, makes Sign in work from config.json as the build checked it, and
// loads the app (Yew) at once when there is something to check, or when the page is idle; the
// app then takes the page over with what the front door holds. These tests hold the app back
// (a route that does not answer) to show what works before it, and what happens when it comes.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { useHarness, clickForPopup, approveInPopup, waitFor, sleep, AUTH_PATH, PENDING_KEY, DIST } from './harness.mjs';

const h = useHarness();

const APP = /\/app-(google|any-provider)-[0-9a-f]+(\.js|_bg\.wasm)$/;
const GOOGLE_APP = /\/app-google-[0-9a-f]+(\.js|_bg\.wasm)$/;
const ANY_PROVIDER_APP = /\/app-any-provider-[0-9a-f]+(\.js|_bg\.wasm)$/;
const FEATURES = /\/features-[0-9a-f]+(\.js|_bg\.wasm)$/;
const STYLES = /\/style-[0-9a-f]+\.css$/;

/** Holds every request of `page` matching `pattern` until `release()`; `seen` lists them. */
async function holdBack(page, pattern) {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const seen = [];
  await page.route(pattern, async (route) => {
    seen.push(route.request().url());
    await held;
    await route.continue().catch(() => {});
  });
  return { release, seen };
}

/** Every request of `page` whose path matches `pattern`. */
function watch(page, pattern) {
  const seen = [];
  page.on('request', (r) => { if (pattern.test(new URL(r.url()).pathname)) seen.push(r.url()); });
  return seen;
}

h.test('Sign in works before the app has loaded: the front door labels it, stores the request and goes to the provider', async () => {
  const page = await h.newPage();
  const app = await holdBack(page, APP);
  await h.goto(page, h.appUrl);
  const signIn = h.signInButton(page).first();
  await signIn.waitFor();
  assert.equal(await signIn.isDisabled(), false);
  assert.match(await signIn.innerText(), /Sign in with Google/);
  assert.equal(await page.getByRole('button', { name: 'Use another account' }).count(), 1);
  // Nothing of Yew yet: the app's explanation of the checks and its server line are not there.
  assert.equal(await page.locator('footer.server-line').count(), 0);
  await h.startSignIn(page);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('client_id'), h.defaultConfig().client_id);
  assert.match(url.searchParams.get('response_type'), /token/);
  assert.equal(url.searchParams.get('include_granted_scopes'), 'true');
  assert.ok(url.searchParams.get('state'));
  // The answer comes back to a page where the app loads at once and checks it; until it is in,
  // the front door shows the app's busy card (not index.html's "You are signed out").
  await h.decide(page);
  await page.getByTestId('verifying').filter({ hasText: 'Checking the answer and the token…' }).waitFor();
  assert.equal(await page.getByText('You are signed out').count(), 0);
  assert.equal(await page.locator('footer.server-line').count(), 0, 'still the front door');
  app.release();
  await h.waitSignedIn(page);
  // The request the front door sent is on the inspector's record, with its state hidden.
  const timeline = page.getByTestId('timeline');
  await timeline.waitFor();
  const text = await timeline.innerText();
  assert.match(text, /The page sends you to the authorization endpoint/);
  assert.ok(!text.includes(url.searchParams.get('state')), 'the state is hidden until revealed');
});

h.test('on the signed-out page the app arrives only after Sign in works, when the page is idle, and then takes the page over', async () => {
  const page = await h.newPage();
  const app = watch(page, APP);
  const features = watch(page, FEATURES);
  const styles = watch(page, STYLES);
  await page.addInitScript(() => {
    new MutationObserver(() => {
      const ready = [...document.querySelectorAll('button')].find((b) => /Sign in/.test(b.textContent) && !b.disabled);
      if (ready && !window.__readyAt) window.__readyAt = performance.now();
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  await h.goto(page, h.appUrl);
  await page.locator('footer.server-line').waitFor();
  const { readyAt, entries } = await page.evaluate(() => ({
    readyAt: window.__readyAt,
    entries: performance.getEntriesByType('resource').map((e) => ({ path: new URL(e.name).pathname, at: e.startTime })),
  }));
  for (const pattern of [GOOGLE_APP, STYLES]) {
    const fetched = entries.filter((e) => pattern.test(e.path));
    assert.ok(fetched.length > 0, `${pattern} was fetched`);
    for (const e of fetched) assert.ok(e.at >= readyAt, `${e.path} was fetched after Sign in was usable`);
  }
  assert.equal(app.filter((u) => ANY_PROVIDER_APP.test(new URL(u).pathname)).length, 0, 'Google never downloads the other providers\' app');
  assert.equal(styles.length, 1);
  // The app's own card: the same buttons, and its explanation below them.
  await page.getByText('Before using the token this page').waitFor();
  assert.equal(await h.signInButton(page).count(), 1);
  // The features module is the app's to load (its inspector), after it took over.
  await page.getByTestId('inspector').waitFor();
  assert.ok(features.length > 0);
});

h.test('the first screen fetches at most 40,000 bytes gzip before Sign in works, and none of the app', async () => {
  const page = await h.newPage();
  await page.addInitScript(() => {
    new MutationObserver(() => {
      const ready = [...document.querySelectorAll('button')].find((b) => /Sign in/.test(b.textContent) && !b.disabled);
      if (ready && !window.__readyAt) window.__readyAt = performance.now();
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  await h.goto(page, h.appUrl);
  await page.waitForFunction(() => window.__readyAt);
  const paths = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => e.startTime <= window.__readyAt)
    .map((e) => new URL(e.name).pathname));
  // The page as served (its CSP and checked config written for this test's config.json), and
  // every build file fetched before the button worked; config.json is the deployment's.
  const served = h.app.served.at(-1).html;
  const files = paths.filter((p) => p !== '/config.json').map((p) => p.slice(1));
  for (const f of files) assert.ok(!APP.test(`/${f}`) && !FEATURES.test(`/${f}`) && !STYLES.test(`/${f}`), `${f} is not the front door's`);
  const gzip = (bytes) => zlib.gzipSync(bytes, { level: 9 }).length;
  const sizes = files.map((f) => [f, gzip(fs.readFileSync(path.join(DIST, f)))]);
  const total = gzip(Buffer.from(served)) + sizes.reduce((t, [, n]) => t + n, 0);
  assert.ok(total <= 40_000, `${total} B gzip before Sign in works: index.html ${gzip(Buffer.from(served))}, ${sizes.map(([f, n]) => `${f} ${n}`).join(', ')}`);
});

h.test('in popup mode the front door opens the popup inside the click, and the app, arriving later, takes its answer', async () => {
  h.setConfig({ ...h.defaultConfig(), display: 'popup' });
  const page = await h.newPage();
  const app = await holdBack(page, APP);
  await h.goto(page, h.appUrl);
  await h.waitSignedOut(page);
  const popup = await clickForPopup(page, h.signInButton(page).first());
  // The popup itself never loads Yew: it relays the answer and closes.
  const popupApp = watch(popup, APP);
  const closed = popup.waitForEvent('close');
  await approveInPopup(popup);
  await closed;
  assert.equal(popupApp.length, 0, 'the popup loaded no app module');
  // The answer reached this tab while the app was still held back; the app checks it.
  app.release();
  await h.waitSignedIn(page);
  assert.equal(await page.evaluate((key) => sessionStorage.getItem(key), PENDING_KEY), null, 'the pending state was spent');
});

h.test('a popup blocked by the browser is the app\'s to explain: it offers to continue in this tab', async () => {
  h.setConfig({ ...h.defaultConfig(), display: 'popup' });
  const page = await h.newPage();
  await page.addInitScript(() => { window.open = () => null; });
  const app = await holdBack(page, APP);
  await h.goto(page, h.appUrl);
  await h.waitSignedOut(page);
  await h.signInButton(page).first().click();
  app.release();
  await h.expectAlert(page, 'popup_blocked');
  await page.getByRole('button', { name: 'Continue in this tab instead' }).click();
  await page.waitForURL((u) => u.origin === h.emulatorOrigin && u.pathname === AUTH_PATH);
});

h.test('an app module that cannot be loaded says so in words with "Try again", and the answer it was to check is kept', async () => {
  const page = await h.newPage();
  await h.goto(page, h.appUrl);
  await h.waitSignedOut(page);
  await page.locator('footer.server-line').waitFor();
  await h.startSignIn(page);
  // Back from the provider, the app does not arrive.
  let fail = true;
  await page.route(APP, (route) => (fail ? route.abort('connectionreset') : route.continue()));
  await page.getByRole('radio', { name: /ada@example\.test/ }).check();
  await page.getByRole('button', { name: 'Allow', exact: true }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'module_load_failed' });
  await alert.waitFor();
  assert.match(await alert.innerText(), /The rest of this page could not be loaded/);
  assert.ok(!new URL(page.url()).hash.includes('access_token'), 'the token left the address bar all the same');
  const card = page.locator('main .card.verifying');
  assert.match(await card.innerText(), /The answer is kept in this tab, and checked as soon as the rest of the page has loaded/);
  assert.equal(await card.locator('.spinner').count(), 0, 'nothing spins while nothing loads');
  fail = false;
  await alert.getByRole('button', { name: 'Try again' }).click();
  await h.waitSignedIn(page);
});

h.test('the keyboard focus stays on the button it was on when the app takes over', async () => {
  const page = await h.newPage();
  const app = await holdBack(page, APP);
  await h.goto(page, h.appUrl);
  await h.waitSignedOut(page);
  await page.getByRole('button', { name: 'Use another account' }).focus();
  app.release();
  await page.locator('footer.server-line').waitFor();
  await page.waitForFunction(() => document.activeElement?.textContent === 'Use another account');
});

h.test('a config.json changed since the build is read by the app, which signs in with it', async () => {
  // Not the bytes the build checked (the harness writes the checked config for the served
  // text): the front door hands the page to the app for any provider at once.
  const page = await h.newPage();
  const anyProvider = watch(page, ANY_PROVIDER_APP);
  await page.route('**/config.json', async (route) => {
    const response = await route.fetch();
    const config = JSON.parse(await response.text());
    await route.fulfill({ response, body: JSON.stringify(config, null, 2) });
  });
  await h.goto(page, h.appUrl);
  await page.locator('footer.server-line').waitFor();
  assert.ok(anyProvider.length > 0, 'the app that reads any config.json came');
  await h.signIn(page);
});

h.test('another provider\'s config loads the app for any provider at once; Google\'s app is never fetched', async () => {
  h.setConfig({ client_id: 'spa', issuer: 'https://op.example' });
  const page = await h.newPage();
  const google = watch(page, GOOGLE_APP);
  const anyProvider = watch(page, ANY_PROVIDER_APP);
  await page.route('https://op.example/**', (route) => route.abort('connectionrefused'));
  await h.goto(page, h.appUrl);
  await page.getByRole('alert').waitFor();
  assert.ok(anyProvider.length > 0);
  assert.equal(google.length, 0);
});

// Release builds store the front door's wasm gzip-compressed (xtask/src/packed.rs), for hosts
// that send files as they are; its start inflates it (`inflate`, src/browser/modules.rs). The
// other modules stay wasm: V8 keeps their compiled code only when they stream from the network.
h.test('the front door\'s wasm is stored gzip-compressed and inflates to the module the page runs; the others are stored as wasm', async () => {
  const stored = fs.readdirSync(DIST).filter((f) => f.endsWith('_bg.wasm'));
  assert.deepEqual(stored.map((f) => f.replace(/-[0-9a-f]+_bg\.wasm$/, '')).sort(), ['app-any-provider', 'app-google', 'features', 'front-door']);
  const WASM = [0, 0x61, 0x73, 0x6d];
  for (const f of stored) {
    const bytes = fs.readFileSync(path.join(DIST, f));
    if (!f.startsWith('front-door-')) {
      assert.deepEqual([...bytes.subarray(0, 4)], WASM, `${f} is wasm`);
      continue;
    }
    assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b], `${f} is gzip`);
    const wasm = zlib.gunzipSync(bytes);
    assert.deepEqual([...wasm.subarray(0, 4)], WASM, `${f} inflates to wasm`);
    assert.ok(await WebAssembly.validate(wasm), `${f} inflates to a valid module`);
    assert.ok(bytes.length < wasm.length / 2, `${f}: ${bytes.length} of ${wasm.length} bytes`);
  }
  // The page's start fetches it with the integrity of the stored bytes.
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const door = stored.find((f) => f.startsWith('front-door-'));
  const sri = `sha384-${crypto.createHash('sha384').update(fs.readFileSync(path.join(DIST, door))).digest('base64')}`;
  assert.ok(html.includes(`inflate(fetch('/${door}', { integrity: '${sri}'`), 'fetched with its integrity and inflated');
});

h.test('the front door\'s wasm is fetched with its integrity: one changed byte and it never runs', async () => {
  const page = await h.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.route(/\/front-door-[0-9a-f]+_bg\.wasm$/, async (route) => {
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    body[body.length >> 1] ^= 0xff;
    await route.fulfill({ response, body });
  });
  await h.goto(page, h.appUrl);
  await waitFor(() => errors.some((e) => /integrity/i.test(e)), { message: `an integrity error (${errors})` });
  assert.equal(await page.getByRole('button', { name: 'Starting…' }).isDisabled(), true, 'the static button is never made to work');
  assert.equal(await h.signInButton(page).count(), 0);
  // The page's start rejects, with nothing loaded to say more: the one uncaught error expected.
  assert.ok(h.pageErrors.length > 0 && h.pageErrors.every((e) => /Failed to fetch/.test(e)), h.pageErrors.join('\n'));
  h.pageErrors.length = 0;
});

h.test('an app that finishes loading while this tab is leaving for the provider does not take the page over, and the request stays on the record', async () => {
  const page = await h.newPage();
  const app = await holdBack(page, APP);
  // The provider's page is held too: the tab is leaving, not yet gone.
  let releaseProvider;
  const provider = new Promise((resolve) => { releaseProvider = resolve; });
  await page.route((u) => u.pathname === AUTH_PATH, async (route) => { await provider; await route.continue(); });
  await h.goto(page, h.appUrl);
  // Clicked from the page: Playwright's click would wait for the navigation it starts, held here.
  await h.signInButton(page).first().evaluate((button) => button.click());
  await waitFor(() => app.seen.length > 0, { message: 'the app was asked for at idle' });
  const arrived = page.waitForResponse((r) => /_bg\.wasm$/.test(r.url()) && APP.test(new URL(r.url()).pathname));
  app.release();
  await arrived;
  // Compiled and started by now had it been let (it takes over within tens of ms of arriving).
  // Nothing can be asked of a page whose navigation is under way (Playwright waits for the next
  // document), so what proves it is the record below: had the app taken this page over, it would
  // have taken the front door's note of the request into a timeline that leaves with the page.
  await sleep(500);
  releaseProvider();
  await page.waitForURL((u) => u.pathname === AUTH_PATH);
  await h.decide(page);
  await h.waitSignedIn(page);
  const request = page.getByTestId('timeline-entry').filter({ has: page.getByRole('heading', { name: 'The page sends you to the authorization endpoint' }) });
  assert.match(await request.textContent(), /response_type\s*token/);
});
