// Every way a Tasks API call can fail, injected through the emulator's knobs (401, 403, 429 with
// Retry-After, 5xx, latency) or Playwright (network failure, malformed body): what is retried and
// for how long, what is rolled back, what the person is told, and that nothing typed is lost.
import assert from 'node:assert/strict';
import { useHarness, waitFor } from './harness.mjs';

const h = useHarness();

const isListsUrl = (url) => new URL(url).pathname === '/tasks/v1/users/@me/lists';

/** Records each request the page sends to the task lists endpoint, as the test hears of it. */
function recordListRequests(page) {
  const times = [];
  page.on('request', (req) => {
    if (req.method() === 'GET' && isListsUrl(req.url())) times.push(Date.now());
  });
  return times;
}

/**
 * When the page's current document started each request to the task lists endpoint after
 * `since` (both on its own clock, `performance.now()`), from Resource Timing: what the app waited
 * between attempts, without the delay of each event on its way to the test (which a loaded
 * machine stretches for one request and not the next).
 */
function listRequestStarts(page, since = 0) {
  return page.evaluate(([since, path]) => performance.getEntriesByType('resource')
    .filter((e) => e.startTime >= since && new URL(e.name).pathname === path)
    .map((e) => e.startTime), [since, '/tasks/v1/users/@me/lists']);
}

h.test('a failed create (500) is not retried, the row is rolled back, the reason is shown and the typed title stays', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await h.knobs({ fail: { tasks: 500 } });

  await page.getByLabel('New task').fill('Buy milk');
  await page.getByRole('button', { name: 'Add task' }).click();
  const { text } = await h.expectAlert(page, 'server_error');
  assert.match(text, /adding the task/);
  assert.match(text, /still in the New task field/, 'the alert says the text was kept');
  assert.equal(await page.getByLabel('New task').inputValue(), 'Buy milk', 'what was typed is still in the field');
  await waitFor(async () => !(await h.taskTitles(page)).includes('Buy milk'), { message: 'the optimistic row to go' });
  const posts = await h.tasksCalls('POST');
  assert.equal(posts.length, 1, 'a create that may have been applied is not sent twice');
  assert.equal(posts[0].status, 500);

  // Google recovers: the same text is added with one more press.
  await h.knobs({ fail: null });
  await page.getByRole('button', { name: 'Add task' }).click();
  await page.getByRole('checkbox', { name: 'Buy milk' }).waitFor();
  await h.waitSaved(page);
  assert.equal(await page.getByLabel('New task').inputValue(), '');
  assert.equal(await page.locator('[role="alert"]').count(), 0, 'the alert is gone after a success');
});

h.test('while Google is slow the new task shows at once, marked Saving…, and a second press does not add it twice', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  // Google is as slow as the test needs: each create waits in the browser until released, so
  // what the page shows meanwhile is checked on an event (the create sent), not against a delay.
  const creates = [];
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await page.route((u) => /^\/tasks\/v1\/lists\/[^/]+\/tasks$/.test(u.pathname), async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    creates.push(route.request());
    await released;
    await route.continue();
  });

  await page.getByLabel('New task').fill('Wind the clock');
  const add = page.getByRole('button', { name: 'Add task' });
  await add.click();
  await waitFor(() => creates.length === 1, { message: 'the create to leave the page' });
  const row = page.getByTestId('task').first();
  await waitFor(async () => /Wind the clock/.test(await row.textContent()), { message: 'the row to show before Google answers' });
  assert.match(await row.textContent(), /Saving…/);
  const busy = page.getByRole('button', { name: 'Adding…' });
  assert.equal(await busy.getAttribute('aria-disabled'), 'true');
  await busy.click({ force: true });
  await page.getByLabel('New task').press('Enter');
  release();

  await h.waitSaved(page, 10_000);
  // A second create, had a press sent one, was held too and is in the emulator's log by now.
  await h.settled();
  assert.doesNotMatch(await row.textContent(), /Saving…/);
  assert.equal((await h.tasksCalls('POST')).length, 1, 'one create, however many presses');
  assert.equal((await h.taskTitles(page)).filter((t) => t === 'Wind the clock').length, 1);
});

h.test('a 429 with Retry-After is retried after the wait, and the tasks appear with no alert', async () => {
  await h.knobs({ fail: { tasks: { status: 429, times: 1 } }, retry_after: { tasks: 1 } });
  const page = await h.openApp();
  await h.signInWithTasks(page);

  const lists = (await h.tasksCalls('GET')).filter((e) => e.path === '/tasks/v1/users/@me/lists');
  assert.deepEqual(lists.map((e) => e.status), [429, 200]);
  const times = await listRequestStarts(page);
  assert.equal(times.length, 2);
  assert.ok(times[1] - times[0] >= 1000, `the retry waited for Retry-After (1 s): ${times[1] - times[0]} ms`);
  assert.equal(await page.locator('[role="alert"]').count(), 0, 'no alert for a retry that worked');
});

h.test('a 403 rate limit (rateLimitExceeded) is retried like a 429', async () => {
  await h.knobs({ fail: { tasks: { status: 403, times: 2, reason: 'rateLimitExceeded' } } });
  const page = await h.openApp();
  await h.signInWithTasks(page);
  const lists = (await h.tasksCalls('GET')).filter((e) => e.path === '/tasks/v1/users/@me/lists');
  assert.deepEqual(lists.map((e) => e.status), [403, 403, 200]);
  assert.equal(await page.locator('[role="alert"]').count(), 0);
});

h.test('a server that keeps failing (503) is retried with growing waits, four attempts at most, then server_error with Try again', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page);
  await h.knobs({ fail: { tasks: 503 } });
  const since = await page.evaluate(() => performance.now());
  await page.getByRole('button', { name: 'Refresh' }).click();

  const { text } = await h.expectAlert(page, 'server_error', 15_000);
  assert.match(text, /loading your task lists/);
  const times = await listRequestStarts(page, since);
  assert.equal(times.length, 4, `four attempts: ${times.length}`);
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  assert.ok(gaps[0] >= 250 && gaps[1] >= 500 && gaps[2] >= 1000, `equal-jitter backoff, doubling: ${gaps}`);

  await h.knobs({ fail: null });
  await page.getByRole('button', { name: 'Try again' }).click();
  await h.waitTasks(page);
  assert.equal(await page.locator('[role="alert"]').count(), 0);
});

h.test('a Retry-After longer than the retry budget is not waited for: rate_limited says how long Google asked to wait', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page);
  const times = recordListRequests(page);
  await h.knobs({ fail: { tasks: 429 }, retry_after: { tasks: 120 } });
  await page.getByRole('button', { name: 'Refresh' }).click();

  const { text } = await h.expectAlert(page, 'rate_limited');
  assert.match(text, /wait 120 s/);
  assert.equal(times.length, 1, 'not retried');
});

h.test('a failed completion (500 after retries) is undone and says why', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await h.knobs({ fail: { tasks: 500 } });
  const box = page.getByRole('checkbox', { name: 'Order more punch cards' });
  await box.click();
  assert.equal(await box.isChecked(), true, 'ticked at once');

  const { text } = await h.expectAlert(page, 'server_error', 15_000);
  assert.match(text, /marking the task done/);
  await waitFor(async () => !(await box.isChecked()), { message: 'the tick to be undone' });
  assert.equal((await h.tasksCalls('PATCH')).length, 4, 'a PATCH is safe to repeat, so it was retried');
});

h.test('a failed rename restores the title and reopens the editor with what was typed', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await h.knobs({ fail: { tasks: { status: 403, reason: 'forbidden' } } });
  await page.getByRole('button', { name: 'Rename “Order more punch cards”' }).click();
  await page.getByLabel('New title for “Order more punch cards”').fill('Order 500 punch cards');
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  const { text } = await h.expectAlert(page, 'forbidden');
  assert.match(text, /renaming the task/);
  const field = page.getByLabel('New title for “Order more punch cards”');
  await field.waitFor();
  assert.equal(await field.inputValue(), 'Order 500 punch cards');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('checkbox', { name: 'Order more punch cards', exact: true }).waitFor();
});

h.test('a failed delete (404) puts the task back where it was', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  const before = await h.taskTitles(page);
  await h.knobs({ fail: { tasks: 404 } });
  await page.getByRole('button', { name: 'Delete “Order more punch cards”' }).click();

  const { text } = await h.expectAlert(page, 'not_found');
  assert.match(text, /deleting the task/);
  await waitFor(async () => (await h.taskTitles(page)).length === before.length, { message: 'the task to come back' });
  assert.deepEqual(await h.taskTitles(page), before, 'in its old place');
});

h.test('a 401 from the Tasks API ends the session with session_expired; signing in again lands on Tasks with the typed text', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await page.getByLabel('New task').fill('Buy milk');
  await h.knobs({ fail: { tasks: { status: 401, times: 1 } } });
  await page.getByRole('button', { name: 'Add task' }).click();

  await h.expectAlert(page, 'session_expired');
  await h.waitSignedOut(page);
  assert.equal(await h.storedSession(page), undefined, 'the refused token is forgotten');
  assert.equal((await h.tasksCalls('POST')).length, 1, 'a refused token is not retried');

  await h.startSignIn(page);
  await h.decide(page);
  await h.waitTasks(page);
  assert.equal(await page.getByLabel('New task').inputValue(), 'Buy milk');
});

h.test('a network failure is retried, then reported as network_error; Try again recovers', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page);
  let aborted = 0;
  await page.route((url) => isListsUrl(url.href), (route) => {
    aborted += 1;
    return route.abort('connectionreset');
  });
  await page.getByRole('button', { name: 'Refresh' }).click();
  await h.expectAlert(page, 'network_error', 15_000);
  assert.equal(aborted, 4, 'a safe request is retried on a network failure, within the attempt bound');

  await page.unrouteAll();
  await page.getByRole('button', { name: 'Try again' }).click();
  await h.waitTasks(page);
});

h.test('an answer that is not the JSON Google sends is reported as malformed_response', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page);
  let served = 0;
  await page.route((url) => isListsUrl(url.href), (route) => {
    served += 1;
    return route.fulfill({
      status: 200,
      contentType: 'application/json',
      headers: { 'Access-Control-Allow-Origin': h.appOrigin },
      body: '{"items": "not a list"',
    });
  });
  await page.getByRole('button', { name: 'Refresh' }).click();
  await h.expectAlert(page, 'malformed_response');
  assert.equal(served, 1, 'a malformed answer is not retried');
});
