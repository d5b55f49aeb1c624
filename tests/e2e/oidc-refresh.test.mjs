// Refresh tokens and RP-initiated logout against the certified oidc-provider (issue 13, items 1
// and 3). Access tokens live 30 s and the app renews 25 s before expiry, so a refresh is due a
// few seconds after sign-in: tests wait for the provider's request log, never for a time.
// Every refresh token the provider issued is registered with the harness, which fails a test
// if one shows up in any storage, URL, history entry or console message (memory only).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after } from 'node:test';
import { useHarness, SESSION_KEY, waitFor } from './harness.mjs';
import { startOidcProvider, signInAtProvider } from './oidc-provider.mjs';

const h = useHarness();
const providers = new Map();
let op;

after(async () => { for (const p of providers.values()) await p.stop(); });

/** A provider with refresh tokens (rotated), short-lived access tokens, and RP logout or DPoP
 * if asked. */
async function configure({ logout = false, dpop = false } = {}) {
  const key = `${logout ? 'logout' : 'plain'}${dpop ? '+dpop' : ''}`;
  if (!providers.has(key)) {
    providers.set(key, await startOidcProvider({
      redirectUris: [h.appUrl], refreshTokens: true, accessTokenTTL: 30, rpInitiatedLogout: logout, dpop,
    }));
  }
  op = providers.get(key);
  op.reset();
  h.setConfig({ client_id: op.clientId, issuer: op.issuer, renew_lead_secs: 25 });
}

/** Access and ID tokens must not leak (their redirects are expected); refresh tokens nowhere. */
function adoptProviderTokens({ idTokens = true } = {}) {
  for (const t of op.tokens()) {
    if (t.kind === 'refresh_token') h.refreshTokens.add(t.token);
    if (t.kind === 'access_token' || t.kind === 'refresh_token' || (idTokens && t.kind === 'id_token')) {
      h.extraTokens.add(t.token);
    }
  }
  for (const e of op.log) {
    const location = e.responseHeaders?.location;
    if (location) h.allowedTokenUrls.add(new URL(location, op.issuer).href);
  }
}

const refreshes = () => op.log.filter((e) => e.method === 'POST' && e.path === '/token' && e.body?.grant_type === 'refresh_token');
const revocations = () => op.log.filter((e) => e.method === 'POST' && e.path === '/token/revocation');
const issued = (kind) => op.tokens().filter((t) => t.kind === kind).map((t) => t.token);

async function signIn(page) {
  const done = signInAtProvider(page, { login: 'ada', origin: op.issuer });
  await h.signInButton(page).first().click();
  await done;
  await h.waitSignedIn(page);
}

/** Waits until the provider has answered `n` refreshes (and the page has taken the last). */
async function waitForRefreshes(page, n) {
  await waitFor(() => refreshes().length >= n && refreshes().every((e) => e.status !== undefined), {
    timeout: 20_000, message: `${n} refreshes answered by the provider`,
  });
  await page.getByTestId('renewal').waitFor({ state: 'detached' });
}

/** The app on a fresh page, signed in at the provider. */
async function openSignedIn(options) {
  await configure(options);
  const page = await h.openApp();
  await h.waitSignedOut(page);
  await signIn(page);
  return page;
}

/** A form POST to the provider from the test itself (not the page). */
async function postToProvider(path, form) {
  const res = await fetch(`${op.issuer}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

h.test('with a refresh token the session renews itself before expiry (no window, no click), takes the rotated token each time, and the provider refuses the spent one', async () => {
  const page = await openSignedIn();
  const [first] = issued('refresh_token');
  assert.ok(first, 'the code exchange returned a refresh token');

  await waitForRefreshes(page, 2);
  const [r1, r2] = refreshes();
  const chain = issued('refresh_token');
  assert.equal(r1.body.refresh_token, first, 'the first refresh spent the token from the code exchange');
  assert.equal(r2.body.refresh_token, chain[1], 'the second used the rotated token the first answer brought');
  assert.notEqual(chain[1], first, 'the provider rotated it');
  for (const r of [r1, r2]) {
    assert.equal(r.status, 200);
    assert.equal(r.body.client_id, op.clientId, 'a public client names itself');
    assert.equal(r.headers.authorization, undefined, 'no client secret, no credentials');
  }
  assert.equal(page.context().pages().length, 1, 'no popup was opened');
  const stored = JSON.parse((await h.sessionStorage(page))[SESSION_KEY]);
  const [fromExchange, ...fromRefreshes] = issued('access_token');
  assert.notEqual(stored.access_token, fromExchange, 'the first access token was replaced');
  assert.ok(fromRefreshes.includes(stored.access_token), "the tab's session holds a refreshed access token");

  // The inspector shows each refresh and the refreshed ID token's checks.
  const inspector = page.getByTestId('inspector');
  await inspector.getByText('The refresh token was accepted').first().waitFor();
  assert.ok(await inspector.getByText('The refreshed ID token names the same person as the first').count() >= 1);
  // Each ID token taken apart: the sign-in's, then each refresh's, held to the first (§12.2).
  const reports = inspector.getByTestId('id-token');
  assert.ok(await reports.count() >= 3, 'the first ID token and both refreshed ones');
  assert.equal(await reports.first().locator('h4').textContent(), 'The ID token taken apart');
  const refreshed = reports.filter({ has: page.getByRole('heading', { name: 'The refreshed ID token taken apart' }) }).last();
  for (const c of ['signature', 'iss', 'aud', 'exp', 'first:iss', 'first:sub', 'first:aud', 'first:azp', 'first:iat']) {
    assert.equal(await refreshed.locator(`[data-check="${c}"]`).getAttribute('data-outcome'), 'passed', c);
  }
  assert.equal(await refreshed.locator('[data-check="nonce"]').getAttribute('data-outcome'), 'not_checked', 'a refresh has no nonce');

  // The spent token is refused by the provider (and, replayed, revokes the grant).
  const replay = await postToProvider('/token', { grant_type: 'refresh_token', refresh_token: first, client_id: op.clientId });
  assert.equal(replay.status, 400);
  assert.equal(replay.json.error, 'invalid_grant');
  adoptProviderTokens();
});

h.test('a refresh token revoked at the provider gives invalid_grant, said in words, and renewal falls back to the "Stay signed in" offer', async () => {
  const page = await openSignedIn();
  const [token] = issued('refresh_token');
  // Revoked before the app first uses it.
  const res = await postToProvider('/token/revocation', { token, token_type_hint: 'refresh_token', client_id: op.clientId });
  assert.equal(res.status, 200);

  const { text } = await h.expectAlert(page, 'refresh_failed', 20_000);
  assert.match(text, /invalid_grant/);
  assert.match(text, /Stay signed in/);
  const [refresh] = refreshes();
  assert.equal(refresh.status, 400);
  const offer = page.getByTestId('renewal');
  await offer.getByRole('button', { name: 'Stay signed in' }).waitFor();
  assert.match(await offer.innerText(), /asking the provider again/);
  assert.equal(refreshes().length, 1, 'the refused token is not tried again');
  await h.waitSignedIn(page);
  adoptProviderTokens();
});

h.test('a refreshed ID token naming another person, signed by the provider\'s own key, is refused and renewal falls back to the offer', async () => {
  await configure();
  let answers = 0;
  op.tamper((r) => {
    if (r.path !== '/token' || r.status !== 200) return;
    answers += 1;
    if (answers === 1) return; // the code exchange
    const body = JSON.parse(r.body);
    const claims = JSON.parse(Buffer.from(body.id_token.split('.')[1], 'base64url').toString());
    body.id_token = op.sign({ ...claims, sub: 'mallory' });
    h.extraTokens.add(body.id_token);
    r.body = JSON.stringify(body);
  });
  const page = await h.openApp();
  await h.waitSignedOut(page);
  await signIn(page);
  const { text } = await h.expectAlert(page, 'refresh_failed', 20_000);
  assert.match(text, /refreshed ID token's sub differs from the first ID token's/);
  await page.getByTestId('renewal').getByRole('button', { name: 'Stay signed in' }).waitFor();
  assert.equal((await page.getByTestId('profile-email').textContent()).trim(), 'ada@example.test', 'still Ada, with her own token');
  const stored = JSON.parse((await h.sessionStorage(page))[SESSION_KEY]);
  assert.equal(stored.access_token, issued('access_token')[0], "the refused answer's access token was not taken");
  adoptProviderTokens();
});

h.test('after a reload no refresh token exists anywhere: the stored session resumes with the newest access token and renewal is the offer again, whose popup renews silently', async () => {
  const page = await openSignedIn();
  await waitForRefreshes(page, 1);
  const [fromExchange, ...fromRefreshes] = issued('access_token');
  const beforeReload = new Set(issued('refresh_token'));

  await page.reload();
  await h.waitSignedIn(page);
  const me = op.log.filter((e) => e.path === '/me' && e.method === 'GET').at(-1);
  assert.notEqual(me.headers.authorization, `Bearer ${fromExchange}`);
  assert.ok(fromRefreshes.map((t) => `Bearer ${t}`).includes(me.headers.authorization), 'a refreshed access token is the one in use');
  // Without a refresh token in memory, renewal is the popup again, from a click.
  const offer = page.getByTestId('renewal');
  await offer.getByRole('button', { name: 'Stay signed in' }).waitFor({ timeout: 20_000 });
  const popup = page.waitForEvent('popup');
  await offer.getByRole('button', { name: 'Stay signed in' }).click();
  await (await popup).waitForEvent('close');
  await page.locator('.notice').getByText('Session renewed: the provider issued a new token.').waitFor();
  const auth = op.log.filter((e) => e.path === '/auth').at(-1);
  assert.equal(auth.query.prompt, 'none', 'the popup asked silently');
  // The popup's code exchange brought a new refresh token; none from before the reload is used.
  await waitFor(() => refreshes().some((e) => !beforeReload.has(e.body.refresh_token) && e.status === 200), { timeout: 20_000, message: 'a refresh with the new token' });
  const afterReload = refreshes().filter((e) => e.at > me.at);
  assert.ok(afterReload.every((e) => !beforeReload.has(e.body.refresh_token)), 'no refresh token survived the reload');

  // Sign-out with no end_session_endpoint advertised: both tokens revoked, the page stays.
  await h.signOutButton(page).click();
  await h.waitSignedOut(page);
  await waitFor(() => revocations().length >= 2 && revocations().every((e) => e.status === 200), { message: 'two revocations' });
  const hints = revocations().map((e) => e.body.token_type_hint ?? null).sort();
  assert.deepEqual(hints, [null, 'refresh_token'], 'the access token as today, and the new refresh token with its hint');
  assert.equal(new URL(page.url()).origin, h.appOrigin, 'no end_session_endpoint: sign-out stays here');
  await page.locator('.notice').getByText('Signed out. The tokens were revoked at the provider and removed from this tab.').waitFor();
  adoptProviderTokens();
});

h.test('two tabs each hold their own refresh token: both refresh, and neither spends the other\'s', async () => {
  const one = await openSignedIn();
  const two = await h.newTab(one);
  await h.goto(two, h.appUrl);
  await h.waitSignedOut(two);
  await signIn(two); // the provider's session answers at once: a second grant, its own refresh token
  const [a, b] = issued('refresh_token');
  assert.ok(a && b && a !== b, 'two code exchanges, two refresh tokens');

  await waitFor(() => {
    const used = new Set(refreshes().map((e) => e.body.refresh_token));
    return used.has(a) && refreshes().length >= 4 && refreshes().every((e) => e.status !== undefined);
  }, { timeout: 30_000, message: 'both tabs refreshing' });
  assert.ok(refreshes().every((e) => e.status === 200), `every refresh succeeded: ${refreshes().map((e) => e.status)}`);
  const spent = refreshes().map((e) => e.body.refresh_token);
  assert.equal(new Set(spent).size, spent.length, 'no refresh token was presented twice');
  assert.ok(spent.includes(b), 'the second tab used its own');
  for (const page of [one, two]) {
    await h.waitSignedIn(page);
    assert.equal(await page.getByRole('alert').count(), 0, 'no tab reports a failure');
  }
  adoptProviderTokens();
});

/** Signs in, signs out, and returns the page and the end_session request it made. */
async function signOutAtProvider() {
  const page = await openSignedIn({ logout: true });
  const leaving = page.waitForRequest((r) => r.url().startsWith(`${op.issuer}/session/end?`));
  await h.signOutButton(page).click();
  const request = new URL((await leaving).url());
  await page.getByRole('button', { name: 'Yes, sign me out' }).waitFor();
  return { page, request };
}

h.test('with an end_session_endpoint, sign-out revokes both tokens, ends the provider session and comes back with its state checked, said in words', async () => {
  const { page, request } = await signOutAtProvider();
  const p = request.searchParams;
  assert.equal(p.get('id_token_hint'), issued('id_token').at(-1), 'the newest ID token as the hint');
  assert.equal(p.get('client_id'), op.clientId);
  assert.equal(p.get('post_logout_redirect_uri'), h.appUrl, 'this page, registered like the redirect URI');
  assert.match(p.get('state'), /^[A-Za-z0-9_-]{43}$/);
  const hints = revocations().map((e) => e.body.token_type_hint ?? null).sort();
  assert.deepEqual(hints, [null, 'refresh_token'], 'both tokens were revoked before leaving');
  assert.ok(revocations().every((e) => e.status === 200));

  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await page.locator('.notice').getByText('Signed out here and at the provider: the tokens were revoked, and the provider ended your session there too.').waitFor();
  await h.waitSignedOut(page);
  assert.equal(new URL(page.url()).search, '', 'the state left the address bar');
  assert.equal((await h.sessionStorage(page))['browser-oauth.logout'], undefined, 'the logout state is spent');
  // The provider's session is over: signing in again asks for the login.
  const login = signInAtProvider(page, { login: 'ada', origin: op.issuer });
  await h.signInButton(page).first().click();
  await page.locator('input[name=login]').waitFor();
  await login;
  await h.waitSignedIn(page);
  // The ID token went to the provider in the logout URL (OpenID Connect RP-Initiated Logout §2);
  // access and refresh tokens are checked everywhere as usual.
  adoptProviderTokens({ idTokens: false });
});

for (const [name, change, code] of [
  ['tampered', (state) => `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`, 'logout_state_mismatch'],
  ['missing', () => null, 'logout_state_missing'],
]) {
  h.test(`a return from the provider's logout with a ${name} state is refused in words (${code})`, async () => {
    const tamper = (r) => {
      const location = r.headers.location;
      if (!r.path.startsWith('/session/end') || !location || !location.startsWith(h.appUrl)) return;
      const url = new URL(location);
      const state = url.searchParams.get('state');
      if (!state) return;
      const changed = change(state);
      if (changed === null) url.searchParams.delete('state'); else url.searchParams.set('state', changed);
      r.headers.location = url.href;
    };
    const { page } = await signOutAtProvider();
    op.tamper(tamper);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    const { text } = await h.expectAlert(page, code);
    assert.match(text, /You signed out here/);
    await h.waitSignedOut(page);
    assert.equal((await h.sessionStorage(page))[SESSION_KEY], undefined, 'signed out here all the same');
    adoptProviderTokens({ idTokens: false });
  });
}

/** The DPoP proof's header and claims (RFC 9449 §4.2), read without checking: dpop.test.mjs
 * checks proofs themselves; here only which key and which token they name matter. */
function proofOf(entry) {
  const [header, claims] = entry.headers.dpop.split('.').slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  const { crv, kty, x, y } = header.jwk;
  const jkt = crypto.createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
  return { claims, jkt };
}

h.test('with DPoP too, each refresh carries a proof from the same key, and the refreshed token is bound to it and used with the DPoP scheme', async () => {
  const page = await openSignedIn({ dpop: true });
  const exchange = op.log.find((e) => e.method === 'POST' && e.path === '/token' && e.body?.grant_type === 'authorization_code');
  const { jkt } = proofOf(exchange);
  assert.equal(op.accessTokenRecord(issued('access_token')[0]).jkt, jkt, 'the first token is bound to the page key');

  await waitForRefreshes(page, 1);
  const [refresh] = refreshes();
  assert.equal(refresh.status, 200);
  const proof = proofOf(refresh);
  assert.equal(proof.jkt, jkt, 'the refresh is proved with the same key');
  assert.equal(proof.claims.htm, 'POST');
  assert.equal(proof.claims.htu, `${op.issuer}/token`);
  const stored = JSON.parse((await h.sessionStorage(page))[SESSION_KEY]);
  assert.equal(stored.token_type, 'DPoP');
  assert.equal(op.accessTokenRecord(stored.access_token).jkt, jkt, 'the refreshed token is bound to the same key');

  // After a reload the refreshed token is presented as DPoP, with a proof naming it (ath).
  const before = op.log.length;
  await page.reload();
  await h.waitSignedIn(page);
  const me = op.log.slice(before).find((e) => e.method === 'GET' && e.path === '/me');
  assert.equal(me.status, 200);
  assert.equal(me.headers.authorization, `DPoP ${stored.access_token}`);
  const meProof = proofOf(me);
  assert.equal(meProof.jkt, jkt);
  assert.equal(meProof.claims.ath, crypto.createHash('sha256').update(stored.access_token).digest('base64url'));
  adoptProviderTokens();
});
