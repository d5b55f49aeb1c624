// The split (issue 11): the first module carries what the first screen and the return from the
// provider need; Tasks, Calendar and the inspector come in a second module, fetched when the page
// is idle or a view needs it, named in the page's import map with integrity hashes. And the page
// paints at once: index.html carries the frame and the signed-out card, its button not ready.
import assert from 'node:assert/strict';
import { useHarness, clickForPopup, approveInPopup, CALENDAR_READONLY } from './harness.mjs';

const h = useHarness();

const FEATURES = /\/features-[0-9a-f]+(\.js|_bg\.wasm)$/;
// The first module the page runs: the front door (front-door.test.mjs has the rest of it).
const MAIN_WASM = /\/front-door-[0-9a-f]+_bg\.wasm$/;

/** Every request of `page` whose path matches `pattern`, with when it was sent. */
function watchRequests(page, pattern) {
  const seen = [];
  page.on('request', (r) => {
    if (pattern.test(new URL(r.url()).pathname)) seen.push({ url: r.url(), at: Date.now() });
  });
  return seen;
}

h.test('the first screen is usable before the features module is fetched, which then comes at idle', async () => {
  const page = await h.newPage();
  const features = watchRequests(page, FEATURES);
  await page.addInitScript(() => {
    new MutationObserver(() => {
      const ready = [...document.querySelectorAll('button')].find((b) => /Sign in/.test(b.textContent) && !b.disabled);
      if (ready && !window.__readyAt) window.__readyAt = Date.now();
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  await h.goto(page, h.appUrl);
  await h.waitSignedOut(page);
  // The inspector is the features module's: its arrival shows the module loaded.
  await page.getByTestId('inspector').waitFor();
  const readyAt = await page.evaluate(() => window.__readyAt);
  assert.equal(features.length, 2, `the module's JavaScript and wasm, once each: ${features.map((f) => f.url)}`);
  for (const f of features) assert.ok(f.at >= readyAt, `${f.url} was fetched after Sign in was usable`);
});

h.test('the import map names the features module with integrity hashes, and the CSP stays strict', async () => {
  const page = await h.openApp();
  await h.waitSignedOut(page);
  const { map, csp } = await page.evaluate(() => ({
    map: JSON.parse(document.querySelector('script[type="importmap"]').textContent),
    csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]').content,
  }));
  const js = map.imports['browser-oauth/features'];
  const wasm = map.imports['browser-oauth/features.wasm'];
  assert.match(js, /^\.\/features-[0-9a-f]{16}\.js$/);
  assert.match(wasm, /^\.\/features-[0-9a-f]{16}_bg\.wasm$/);
  assert.match(map.integrity[js], /^sha384-/);
  assert.match(map.integrity[wasm], /^sha384-/);
  assert.ok(!/unsafe-inline|unsafe-eval'/.test(csp.replace("'wasm-unsafe-eval'", '')), `no unsafe-* but wasm's: ${csp}`);
});

h.test('a features module that fails to load says so in words, and "Try again" loads it', async () => {
  const page = await h.newPage();
  let fail = true;
  await page.route(FEATURES, (route) => (fail ? route.abort('connectionreset') : route.continue()));
  await h.goto(page, h.appUrl);
  await h.signIn(page);
  await h.openView(page, 'Tasks');
  await h.expectAlert(page, 'module_load_failed');
  const alert = page.getByRole('alert').filter({ hasText: 'Google Tasks could not be loaded' });
  assert.match(await alert.innerText(), /Google Tasks could not be loaded/);
  fail = false;
  await alert.getByRole('button', { name: 'Try again' }).click();
  await page.getByTestId('tasks-access').waitFor();
  // The inspector, which had failed at idle, came back with it.
  await page.getByTestId('inspector').waitFor();
  assert.equal(await page.getByRole('alert').filter({ hasText: 'module_load_failed' }).count(), 0, 'every failure notice went away');
});

h.test('a features module whose bytes do not match the integrity hash is refused', async () => {
  const page = await h.newPage();
  await page.route(/\/features-[0-9a-f]+_bg\.wasm$/, async (route) => {
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    body[body.length - 1] ^= 1;
    await route.fulfill({ response, body });
  });
  await h.goto(page, h.appUrl);
  await h.signIn(page);
  await h.openView(page, 'Calendar');
  await h.expectAlert(page, 'module_load_failed');
  assert.equal(await page.getByTestId('calendar-access').count(), 0, 'nothing of the tampered module ran');
});

h.test('with the module prefetched, opening Tasks fetches nothing more and shows no loading line', async () => {
  const page = await h.newPage();
  const features = watchRequests(page, FEATURES);
  await h.goto(page, h.appUrl);
  await h.signIn(page);
  await page.getByTestId('inspector').waitFor();
  const fetched = features.length;
  await page.evaluate(() => {
    window.__sawLoading = false;
    new MutationObserver(() => {
      if (/Loading Google Tasks/.test(document.body.textContent)) window.__sawLoading = true;
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  await h.openView(page, 'Tasks');
  await page.getByTestId('tasks-access').waitFor();
  assert.equal(features.length, fetched, 'no second fetch of the module');
  assert.equal(await page.evaluate(() => window.__sawLoading), false, 'no loading line was shown');
});

h.test('Tasks opened straight after a reload loads the module at once and works', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page);
  const features = watchRequests(page, FEATURES);
  await page.reload();
  await h.waitTasks(page);
  assert.equal(features.length, 2);
  // Clicks inside the features module reach its own handlers, not the first module's.
  await page.getByRole('button', { name: 'Refresh' }).click();
  await h.waitTasks(page);
  await h.openView(page, 'Profile');
  await h.waitSignedIn(page);
});

h.test('the static first paint is the app\'s own frame, with Sign in visibly not ready until the front door makes it work', async () => {
  // A slow first module, and a slower app: the page shows what index.html carries, then what
  // the front door makes of it, then the app's own render, each in the same place.
  const page = await h.newPage();
  const hold = async (pattern) => {
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route(pattern, async (route) => {
      await held;
      await route.continue().catch(() => {});
    });
    return release;
  };
  const releaseDoor = await hold(MAIN_WASM);
  const releaseApp = await hold(/\/app-google-[0-9a-f]+(\.js|_bg\.wasm)$/);
  await page.goto(h.appUrl, { waitUntil: 'commit' });
  const starting = page.getByRole('button', { name: 'Starting…' });
  await starting.waitFor();
  assert.equal(await starting.isDisabled(), true, 'the static button cannot be pressed');
  const frame = async () => {
    const box = async (selector) => {
      const b = await page.locator(selector).first().boundingBox();
      return b && { x: Math.round(b.x), y: Math.round(b.y) };
    };
    return {
      header: await page.locator('header.masthead').innerText(),
      heading: await page.locator('main .card.signed-out h2').innerText(),
      h1: await box('header h1'),
      h2: await box('main .card.signed-out h2'),
      button: await box('main .card.signed-out .button.primary'),
    };
  };
  const first = await frame();
  releaseDoor();
  await h.waitSignedOut(page);
  assert.deepEqual(await frame(), first, 'the front door leaves the frame where the first paint put it');
  const signIn = h.signInButton(page).first();
  assert.equal(await signIn.isDisabled(), false);
  assert.match(await signIn.innerText(), /Sign in with Google/);
  releaseApp();
  await page.locator('footer.server-line').waitFor();
  assert.deepEqual(await frame(), first, 'the app renders the frame where the first paint put it');
  assert.match(await h.signInButton(page).first().innerText(), /Sign in with Google/);
});

h.test('Calendar and the inspector come back after a reload, and the inspector shows the steps of before it', async () => {
  const page = await h.openApp();
  await h.signIn(page);
  await h.openView(page, 'Calendar');
  await h.grantFromView(page, 'Allow viewing my calendar events', { scope: CALENDAR_READONLY });
  await page.getByTestId('event').first().waitFor();
  await page.reload();
  await page.getByTestId('event').first().waitFor();
  const timeline = page.getByTestId('timeline');
  await timeline.waitFor();
  // Kept across the consent round trip (sessionStorage), drawn by the features module.
  assert.match(await timeline.innerText(), /calendar\/v3\/calendars\/primary\/events/);
});

h.test('in popup mode, Tasks asks for access in a popup and the features module shows the new grant at once', async () => {
  h.setConfig({ ...h.defaultConfig(), display: 'popup' });
  const page = await h.openApp();
  await h.waitSignedOut(page);
  const signIn = await clickForPopup(page, h.signInButton(page).first());
  await approveInPopup(signIn);
  await h.waitSignedIn(page);
  await h.openView(page, 'Tasks');
  await page.getByTestId('tasks-access').waitFor();
  const grant = await clickForPopup(page, page.getByRole('button', { name: 'Allow viewing my tasks' }));
  await approveInPopup(grant);
  await h.waitTasks(page);
});
