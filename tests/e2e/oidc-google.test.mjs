// OpenID Connect against the Google emulator: `token id_token`, the default whenever openid is
// asked for. The emulator signs RS256 ID tokens like Google; its knobs forge each way one can be
// wrong, and each must be refused before the access token is used anywhere.
import assert from 'node:assert/strict';
import {
  useHarness, emulatorConfig, ADA, SESSION_KEY, asText, containsAny, clickForPopup, approveInPopup, waitFor,
} from './harness.mjs';

const h = useHarness();

/** The emulator config without a `flow`: what a person gets by default with openid asked for. */
function defaultFlowConfig() {
  const config = emulatorConfig(h.emulatorOrigin);
  delete config.flow;
  return config;
}

async function certsRequests() {
  return (await certsLog()).length;
}

/** The emulator's log of key set requests, oldest first. */
async function certsLog() {
  return (await h.log()).filter((e) => e.path === '/oauth2/v3/certs');
}

/** What a `cache: "no-cache"` fetch adds (Chromium: `Cache-Control: max-age=0`; the Fetch spec
 * allows `no-cache` too, with `Pragma: no-cache`). */
function asksToRevalidate(entry) {
  const h = Object.fromEntries(Object.entries(entry.headers || {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return /no-cache|max-age=0/.test(h['cache-control'] || '') || /no-cache/.test(h.pragma || '');
}

async function rotateKeys() {
  const rotated = await fetch(`${h.emulatorOrigin}/emulator/rotate-keys`, { method: 'POST' }).then((r) => r.json());
  assert.ok(rotated.kid, 'the emulator rotated its signing key');
  return rotated;
}

/** Requests that carried this token to token info or user info (query, body or header). */
async function tokenUsed(token) {
  return (await h.log())
    .filter((e) => e.path === '/tokeninfo' || e.path === '/oauth2/v3/userinfo')
    .filter((e) => containsAny(asText(e.query), [token]) || containsAny(asText(e.body), [token]) ||
      containsAny(asText(e.headers?.authorization), [token]));
}

h.test('with openid asked for, Google sign-in asks for token id_token with a fresh 256-bit nonce and verifies the ID token before using the token', async () => {
  h.setConfig(defaultFlowConfig());
  const page = await h.openApp();
  const authUrl = new URL(await h.startSignIn(page));
  assert.equal(authUrl.searchParams.get('response_type'), 'token id_token');
  const nonce = authUrl.searchParams.get('nonce');
  assert.match(nonce, /^[A-Za-z0-9_-]{43}$/, 'the nonce is 32 random bytes, base64url');
  assert.notEqual(nonce, authUrl.searchParams.get('state'), 'nonce and state are distinct values');
  await h.decide(page);
  await h.waitSignedIn(page);
  assert.equal((await page.getByTestId('profile-name').textContent()).trim(), ADA.name);
  assert.equal(await certsRequests(), 1, 'the keys were fetched once');
  const session = JSON.parse((await h.sessionStorage(page))[SESSION_KEY]);
  assert.equal(session.subject, ADA.sub);

  // A second sign-in in the same tab uses the keys it already has, with a new nonce.
  await h.signOutButton(page).click();
  await h.waitSignedOut(page);
  const second = new URL(await h.startSignIn(page));
  assert.notEqual(second.searchParams.get('nonce'), nonce, 'a nonce is never reused');
  await h.decide(page);
  await h.waitSignedIn(page);
  assert.equal(await certsRequests(), 1, 'the cached keys served the second ID token');
});

const FORGERIES = [
  ['wrong_nonce', 'nonce_mismatch'],
  ['bad_signature', 'bad_signature'],
  ['wrong_at_hash', 'at_hash_mismatch'],
  ['expired', 'id_token_expired'],
  ['wrong_issuer', 'wrong_issuer'],
  ['wrong_audience', 'wrong_audience'],
  ['alg_none', 'unsupported_algorithm'],
  ['alg_hs256', 'unsupported_algorithm'],
  ['unknown_kid', 'unknown_key'],
];

for (const [forgery, code] of FORGERIES) {
  h.test(`an ID token forged with ${forgery} is refused with ${code} and its access token is never used`, async () => {
    h.setConfig(defaultFlowConfig());
    await h.knobs({ id_token_forgery: forgery });
    const page = await h.openApp();
    await h.startSignIn(page);
    await h.decide(page);
    await h.expectAlert(page, code);
    await h.waitSignedOut(page);
    assert.equal((await h.sessionStorage(page))[SESSION_KEY], undefined, 'no session stored');
    const [issued] = await h.tokens();
    assert.ok(issued, 'the emulator issued an access token beside the forged ID token');
    // The ID token is verified before the access token is used (src/auth/flow.rs awaits the
    // verification first), so by the alert any use has been issued; once every request the page
    // made is answered, the emulator's log holds it, and this can fail.
    await h.settled();
    assert.deepEqual(await tokenUsed(issued.token), [], 'the access token went to neither token info nor user info');
    if (forgery === 'unknown_kid') {
      const fetched = await certsLog();
      assert.deepEqual(fetched.map(asksToRevalidate), [false, true],
        'an unknown kid on a fresh tab: the key set fetched the ordinary way, then once bypassing caches, never in a loop');
    }
  });
}

h.test('after Google rotates its keys, an ID token signed with the new key is accepted after one refetch of the key set', async () => {
  h.setConfig(defaultFlowConfig());
  const page = await h.openApp();
  await h.signIn(page);
  assert.equal(await certsRequests(), 1);
  await h.signOutButton(page).click();
  await h.waitSignedOut(page);

  await rotateKeys();
  await h.signIn(page);
  const fetched = await certsLog();
  assert.equal(fetched.length, 2, 'the unknown kid caused exactly one refetch');
  assert.ok(asksToRevalidate(fetched[1]), 'the refetch bypassed caches');
});

h.test('a fresh tab whose first key set is a stale one (a cache still holding the set from before a rotation) signs in after one refetch that bypasses caches', async () => {
  h.setConfig(defaultFlowConfig());
  await rotateKeys();
  await h.knobs({ stale_jwks: 1 });
  const page = await h.openApp();
  await h.signIn(page);
  assert.equal((await page.getByTestId('profile-name').textContent()).trim(), ADA.name);
  const fetched = await certsLog();
  assert.deepEqual(fetched.map(asksToRevalidate), [false, true],
    'first the ordinary fetch (caches may answer), then one that bypasses them');
});

h.test('the refetch after an unknown kid gets past the browser\'s own HTTP cache, which still holds the set from before a rotation', async () => {
  h.setConfig(defaultFlowConfig());
  const first = await h.openApp();
  await h.signIn(first); // the key set is now in this browser's HTTP cache (max-age: hours)
  assert.equal(await certsRequests(), 1);
  await rotateKeys();

  // Another tab of the same browser: its own sessionStorage (no kept keys), the same HTTP cache.
  const second = await h.newTab(first);
  await h.goto(second, h.appUrl);
  await h.signIn(second);
  const fetched = await certsLog();
  assert.equal(fetched.length, 2, 'the second tab\'s ordinary fetch was answered by the HTTP cache; only its refetch reached the provider');
  assert.ok(asksToRevalidate(fetched[1]), 'the refetch asked the provider, not the cache');
});

h.test('a key set that never publishes the signing key ends in unknown_key after one refetch, not a loop', async () => {
  h.setConfig(defaultFlowConfig());
  const page = await h.openApp();
  await h.signIn(page); // caches the real keys
  await h.signOutButton(page).click();
  await h.waitSignedOut(page);
  await rotateKeys();
  await h.knobs({ jwks_without_current_key: true });
  await h.startSignIn(page);
  await h.decide(page);
  await h.expectAlert(page, 'unknown_key');
  assert.equal(await certsRequests(), 2, 'one fetch for the first sign-in, one refetch for the new kid');
});

h.test('a token issued to another app is refused by the ID token audience check before token info is even asked', async () => {
  h.setConfig(defaultFlowConfig());
  await h.knobs({ issue_to_client: 'other-app.apps.googleusercontent.com' });
  const page = await h.openApp();
  await h.startSignIn(page);
  await h.decide(page);
  await h.expectAlert(page, 'wrong_audience');
  const [issued] = await h.tokens();
  assert.deepEqual(await tokenUsed(issued.token), [], 'the foreign token was never sent anywhere');
});

h.test('the code flow against Google is refused on the setup screen, which says why (the client secret)', async () => {
  h.setConfig({ ...defaultFlowConfig(), flow: 'code', token_endpoint: `${h.emulatorOrigin}/token` });
  const page = await h.openApp();
  const setup = page.getByText(/client secret/);
  await setup.first().waitFor();
  assert.equal(await h.signInButton(page).count(), 0, 'no sign-in is offered');
});

h.test('in a popup, the ID-token flow signs in, and a silent renewal (prompt=none) brings a new verified ID token', async () => {
  h.setConfig({ ...defaultFlowConfig(), display: 'popup', renew_lead_secs: 3600 });
  const page = await h.openApp();
  const popup = await clickForPopup(page, h.signInButton(page));
  const authUrl = await approveInPopup(popup);
  assert.equal(authUrl.searchParams.get('response_type'), 'token id_token');
  await h.waitSignedIn(page);
  const first = (await h.storedSession(page)).access_token;

  const renewal = await clickForPopup(page, page.getByTestId('renewal').getByRole('button', { name: 'Stay signed in' }));
  await page.getByRole('status').filter({ hasText: 'Session renewed' }).waitFor();
  await waitFor(() => renewal.isClosed(), { message: 'the renewal popup closed itself' });
  const silent = (await h.log())
    .filter((e) => e.path === '/o/oauth2/v2/auth')
    .map((e) => new URLSearchParams(e.query))
    .filter((q) => q.get('prompt') === 'none');
  assert.equal(silent.length, 1, 'one silent request');
  assert.ok(silent[0].get('nonce') && silent[0].get('nonce') !== authUrl.searchParams.get('nonce'), 'with a new nonce');
  assert.notEqual((await h.storedSession(page)).access_token, first, 'a new token is in use');
});
