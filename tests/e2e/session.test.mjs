// The life of a session: expiry, reloads, token storage and sign-out.
import assert from 'node:assert/strict';
import { useHarness, SESSION_KEY, PENDING_KEY, containsAny, asText, waitFor } from './harness.mjs';

const h = useHarness();

async function timeLeft(page) {
  return Number(await page.getByTestId('time-left').getAttribute('data-seconds'));
}

async function expectNothingStored(page) {
  const ss = await h.sessionStorage(page);
  assert.equal(ss[SESSION_KEY], undefined, `no session in sessionStorage: ${JSON.stringify(ss)}`);
  assert.equal(ss[PENDING_KEY], undefined, `no pending authorization in sessionStorage: ${JSON.stringify(ss)}`);
  const tokens = await h.allTokens();
  const ls = await h.localStorage(page);
  assert.equal(containsAny(JSON.stringify(ls), tokens), null, `no token in localStorage: ${JSON.stringify(ls)}`);
}

h.test('a short-lived token counts down and the app signs out by itself with session_expired', async () => {
  await h.knobs({ token_lifetime_secs: 20 });
  const page = await h.openApp();
  await h.signIn(page);

  const first = await timeLeft(page);
  assert.ok(Number.isInteger(first) && first > 0 && first <= 20, `time left ${first} in (0, 20]`);
  await waitFor(async () => (await timeLeft(page)) < first, { timeout: 3000, message: 'time left to count down' });

  await h.expectAlert(page, 'session_expired', 35_000);
  await h.waitSignedOut(page);
  assert.equal(await h.profile(page).count(), 0, 'the profile is gone');
  const ss = await h.sessionStorage(page);
  assert.equal(ss[SESSION_KEY], undefined, 'the expired session is removed from sessionStorage');
});

h.test('a stored token the provider has expired ends the session with session_expired on reload', async () => {
  const page = await h.openApp();
  await h.signIn(page);
  await h.expireTokens();

  await page.reload();
  await h.expectAlert(page, 'session_expired');
  await h.waitSignedOut(page);
  assert.equal(await h.profile(page).count(), 0, 'no profile is shown');
  const ss = await h.sessionStorage(page);
  assert.equal(ss[SESSION_KEY], undefined, 'the expired session is removed from sessionStorage');
});

h.test('reloading keeps the session when token_storage is "session"', async () => {
  const page = await h.openApp();
  await h.signIn(page);
  const [{ token }] = await h.tokens();
  const before = await timeLeft(page);

  await page.reload();
  await h.waitSignedIn(page);
  assert.equal((await page.getByTestId('profile-name').textContent()).trim(), 'Ada Lovelace');
  const after = await timeLeft(page);
  assert.ok(after <= before && after >= before - 30, `time left continues from ${before}, got ${after}`);
  assert.equal((await h.storedSession(page))?.access_token, token, 'the same token is still stored');
  assert.equal(await page.locator('[role="alert"]').filter({ has: page.locator('code') }).count(), 0, 'no alert');
});

h.test('with token_storage "memory" the token is never put in sessionStorage and a reload signs out', async () => {
  h.setConfig({ ...h.defaultConfig(), token_storage: 'memory' });
  const page = await h.openApp();
  await h.signIn(page);
  const [{ token }] = await h.tokens();

  const ss = await h.sessionStorage(page);
  assert.equal(ss[SESSION_KEY], undefined, 'no session key in sessionStorage');
  assert.equal(containsAny(JSON.stringify(ss), [token]), null, 'no token anywhere in sessionStorage');

  await page.reload();
  await h.waitSignedOut(page);
  assert.equal(await h.profile(page).count(), 0, 'the reload signed out');
  const ss2 = await h.sessionStorage(page);
  assert.equal(ss2[SESSION_KEY], undefined, 'still no session key after the reload');

  const writes = h.storageWrites.filter((w) => w.area === 'session' && w.origin === h.appOrigin);
  assert.ok(writes.some((w) => w.key === PENDING_KEY), 'the storage spy saw the pending authorization being written');
  assert.deepEqual(writes.filter((w) => w.key === SESSION_KEY).map((w) => w.key), [],
    'the session key was never written to sessionStorage');
  assert.deepEqual(writes.filter((w) => containsAny(w.value, [token])).map((w) => w.key), [],
    'the token was never written to sessionStorage');
});

h.test('signing out revokes the token with a cookie-less POST carrying it only in the body, and clears everything', async () => {
  const page = await h.openApp();
  await h.signIn(page);
  const [{ token }] = await h.tokens();

  await h.signOutButton(page).click();
  await h.waitSignedOut(page);
  await page.getByRole('status').filter({ hasText: /revoked/i }).first().waitFor();

  const [after] = await h.tokens();
  assert.equal(after.revoked, true, 'the emulator shows the token revoked');

  const revokes = (await h.log()).filter((e) => e.path === '/revoke' && e.method !== 'OPTIONS');
  assert.equal(revokes.length, 1, `one request to /revoke: ${JSON.stringify(revokes)}`);
  const [r] = revokes;
  assert.equal(r.method, 'POST');
  assert.equal(r.headers.cookie, undefined, 'no cookie header');
  assert.equal(containsAny(asText(r.query), [token]), null, 'no token in the query');
  for (const [name, value] of Object.entries(r.headers)) {
    assert.equal(containsAny(asText(value), [token]), null, `no token in header ${name}`);
  }
  assert.equal(new URLSearchParams(asText(r.body)).get('token'), token, `the form body is token=<the token>: ${asText(r.body)}`);
  assert.equal(r.status, 200);

  await expectNothingStored(page);
  assert.equal(await page.evaluate(() => location.href), h.appUrl, 'the URL is clean');
  assert.equal(await h.profile(page).count(), 0, 'no profile');
});

h.test('when revocation fails the app still signs out locally and shows revocation_failed', async () => {
  await h.knobs({ fail: { revoke: 500 } });
  const page = await h.openApp();
  await h.signIn(page);

  await h.signOutButton(page).click();
  await h.expectAlert(page, 'revocation_failed');
  await h.waitSignedOut(page);
  assert.equal(await h.profile(page).count(), 0, 'no profile');
  await expectNothingStored(page);
  const revokes = (await h.log()).filter((e) => e.path === '/revoke' && e.method !== 'OPTIONS');
  assert.equal(revokes.length >= 1 && revokes.every((e) => e.status === 500), true, 'the emulator answered /revoke with 500');
});
