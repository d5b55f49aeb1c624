// Pushed authorization requests (RFC 9126) against the certified oidc-provider with
// features.pushedAuthorizationRequests on: required by the provider, and merely offered; the
// redirect and the popup; a request_uri too close to its expiry pushed again and never sent;
// the PAR endpoint's errors in words with their code; DPoP's proof on the push (RFC 9449 §10.1);
// the inspector showing the push as its own step. Every test also passes the harness's leak
// checks, with the provider's tokens added to what must never leak.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after } from 'node:test';
import { useHarness, PENDING_KEY, SESSION_KEY, waitFor } from './harness.mjs';
import { startOidcProvider, signInAtProvider } from './oidc-provider.mjs';

const h = useHarness();
const providers = {};

after(async () => { for (const op of Object.values(providers)) await op.stop(); });

/** A provider per setting, reset for each test; config.json names its issuer alone. */
async function configure(name, options, extra = {}) {
  providers[name] ||= await startOidcProvider({ redirectUris: [h.appUrl], ...options });
  const op = providers[name];
  op.reset();
  h.setConfig({ client_id: op.clientId, issuer: op.issuer, ...extra });
  return op;
}

const required = () => configure('required', { par: { required: true } });
const offered = (extra) => configure('offered', { par: true }, extra);

function adoptProviderTokens(op) {
  for (const t of op.tokens()) if (t.kind !== 'code') h.extraTokens.add(t.token);
  for (const e of op.log) {
    const location = e.responseHeaders?.location;
    if (location) h.allowedTokenUrls.add(new URL(location, op.issuer).href);
  }
}

const requests = (op, method, path) => op.log.filter((e) => e.method === method && e.path === path);
const pushes = (op) => requests(op, 'POST', '/request');
const authorizations = (op) => requests(op, 'GET', '/auth');

/** Clicks "Sign in" and goes through the provider's login and consent; returns the URL the
 * browser was sent to at the authorization endpoint. */
async function signInThroughProvider(page, op) {
  const request = page.waitForRequest((r) => r.url().startsWith(`${op.issuer}/auth?`));
  const done = signInAtProvider(page, { login: 'ada', origin: op.issuer });
  await h.signInButton(page).first().click();
  const authUrl = new URL((await request).url());
  await done;
  return authUrl;
}

/** The authorization URL carries client_id and request_uri, and nothing else (RFC 9126 §4). */
function assertOnlyTheReference(authUrl, op, push) {
  assert.deepEqual([...authUrl.searchParams.keys()], ['client_id', 'request_uri']);
  assert.equal(authUrl.searchParams.get('client_id'), op.clientId);
  assert.match(authUrl.searchParams.get('request_uri'), /^urn:ietf:params:oauth:request_uri:/);
  assert.equal(push.status, 201);
  assert.equal(JSON.parse(push.responseBody).request_uri, authUrl.searchParams.get('request_uri'),
    'the request_uri the push was answered with');
}

/** What the pushed form carried (RFC 9126 §2.1): every parameter, client_id included, no secret. */
function assertPushedParameters(push, op) {
  const body = push.body;
  assert.equal(push.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(body.client_id, op.clientId, 'a public client names itself in the body');
  assert.equal(body.client_secret, undefined, 'and sends no secret');
  assert.equal(body.request_uri, undefined, 'request_uri MUST NOT be pushed');
  assert.equal(body.redirect_uri, h.appUrl);
  assert.equal(body.response_type, 'code');
  assert.equal(body.code_challenge_method, 'S256');
  assert.match(body.code_challenge, /^[A-Za-z0-9_-]{43}$/);
  assert.match(body.state, /^[A-Za-z0-9_-]{43}$/);
  assert.match(body.nonce, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(body.scope, 'openid email profile');
}

const entry = (page, title) => page.getByTestId('timeline-entry').filter({ has: page.getByRole('heading', { name: title }) });

h.test('a provider that requires PAR: the parameters are pushed, the browser carries only client_id and request_uri, and the sign-in completes', async () => {
  const op = await required();
  const document = await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json();
  assert.equal(document.require_pushed_authorization_requests, true, 'the provider says it requires PAR');
  const page = await h.openApp();
  await h.waitSignedOut(page);
  const authUrl = await signInThroughProvider(page, op);
  await h.waitSignedIn(page);

  const [push] = pushes(op);
  assert.ok(push, 'the request was pushed');
  assert.equal(pushes(op).length, 1, 'once');
  assertPushedParameters(push, op);
  assertOnlyTheReference(authUrl, op, push);
  assert.ok(push.at <= authorizations(op)[0].at, 'pushed before the browser went');
  // The state comes back in the redirect, as always; on the way out nothing rode along.
  const toProvider = h.navigations.filter((n) => n.url.startsWith(op.issuer));
  assert.ok(toProvider.length > 0);
  for (const secret of [push.body.state, push.body.nonce, push.body.code_challenge]) {
    assert.ok(!toProvider.some((n) => n.url.includes(secret)), 'no parameter rode in the address bar to the provider');
  }
  for (const secret of [push.body.nonce, push.body.code_challenge]) {
    assert.ok(!h.navigations.some((n) => n.url.includes(secret)), 'the nonce and challenge never were in an address');
    assert.ok(!(await h.historyUrls(page)).some((u) => u.includes(secret)), 'nor in history');
  }
  // The verifier behind the pushed challenge went to the token endpoint, as without PAR.
  const [exchange] = requests(op, 'POST', '/token');
  assert.equal(crypto.createHash('sha256').update(exchange.body.code_verifier).digest('base64url'), push.body.code_challenge);
  assert.equal((await h.sessionStorage(page))[PENDING_KEY], undefined, 'nothing pending after the return');
  assert.equal((await page.getByTestId('profile-email').textContent()).trim(), 'ada@example.test');

  // The inspector shows the push as its own step, before the (short) authorization request.
  const pushed = entry(page, 'The page pushes the authorization request to the provider first');
  await pushed.waitFor();
  const text = await pushed.textContent();
  assert.match(text, /RFC 9126/);
  assert.match(text, /requires this/, 'it says the provider requires it');
  assert.match(text, /code_challenge/, 'with every parameter, explained');
  const exchangeEntry = entry(page, `POST ${op.issuer}/request`);
  assert.match(await exchangeEntry.first().textContent(), /Response\s*201/);
  const short = entry(page, 'The page sends you to the authorization endpoint with the request_uri alone');
  assert.match(await short.textContent(), /request_uri/);
  assert.match(await short.textContent(), /used once/);
  const happened = await page.locator('[data-testid="sequence-diagram"] a.arrow.happened').evaluateAll((els) => els.map((e) => e.dataset.step));
  assert.ok(happened.includes('PushedAuthorizationRequest'), `the diagram highlights the push: ${happened}`);
  adoptProviderTokens(op);
});

h.test('without the push, the same provider refuses the request (the control: what PAR fixes)', async () => {
  const op = await required();
  const page = await h.newPage();
  const url = new URL(`${op.issuer}/auth`);
  for (const [k, v] of Object.entries({
    client_id: op.clientId, redirect_uri: h.appUrl, response_type: 'code', scope: 'openid',
    state: 's'.repeat(43), nonce: 'n'.repeat(43), code_challenge: 'c'.repeat(43), code_challenge_method: 'S256',
  })) url.searchParams.set(k, v);
  await page.route(`${h.appUrl}?*`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'back' }));
  await page.goto(url.href);
  await waitFor(() => page.url().startsWith(h.appUrl), { message: 'the provider sent the browser back' });
  const back = new URL(page.url());
  assert.equal(back.searchParams.get('error'), 'invalid_request');
  assert.match(back.searchParams.get('error_description'), /[Pp]ushed [Aa]uthorization [Rr]equest/);
  await page.close();
});

h.test('a provider that merely offers PAR gets pushed requests too, and nothing rides in the address bar', async () => {
  const op = await offered();
  const document = await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json();
  assert.equal(document.require_pushed_authorization_requests, undefined, 'offered, not required');
  assert.equal(document.pushed_authorization_request_endpoint, `${op.issuer}/request`);
  const page = await h.openApp();
  await h.waitSignedOut(page);
  const authUrl = await signInThroughProvider(page, op);
  await h.waitSignedIn(page);
  const [push] = pushes(op);
  assertPushedParameters(push, op);
  assertOnlyTheReference(authUrl, op, push);
  const pushed = entry(page, 'The page pushes the authorization request to the provider first');
  await pushed.waitFor();
  assert.match(await pushed.textContent(), /offers this, and this page always takes it up/);
  adoptProviderTokens(op);
});

h.test('in a popup, the popup opens inside the click, waits blank while the request is pushed, then signs in', async () => {
  const op = await configure('required', { par: { required: true } }, { display: 'popup' });
  const page = await h.openApp();
  await h.waitSignedOut(page);
  const [popup] = await Promise.all([page.waitForEvent('popup'), h.signInButton(page).first().click()]);
  const firstUrl = popup.url();
  await signInAtProvider(popup, { login: 'ada', origin: op.issuer }).catch((e) => {
    if (!popup.isClosed()) throw e; // it closes itself once it has relayed the answer
  });
  await h.waitSignedIn(page);
  await waitFor(() => popup.isClosed(), { message: 'the popup closed itself' });
  assert.ok(firstUrl === 'about:blank' || firstUrl.startsWith(`${op.issuer}/`), `the popup opened blank: ${firstUrl}`);
  const [push] = pushes(op);
  assertPushedParameters(push, op);
  const [auth] = authorizations(op);
  assertOnlyTheReference(new URL(auth.url, op.issuer), op, push);
  assert.deepEqual(h.navigations.map((n) => n.url), [h.appUrl], 'the page itself never navigated');
  assert.equal(requests(op, 'POST', '/token').length, 1, 'the page exchanged the relayed code once');
  adoptProviderTokens(op);
});

h.test('a request_uri too close to its expiry is not sent: the request is pushed again and the fresh one used', async () => {
  const op = await required();
  let tampered = 0;
  op.tamper((r) => {
    if (r.path !== '/request' || r.status !== 201 || tampered++ > 0) return;
    const body = JSON.parse(r.body);
    body.expires_in = 1; // stale before the browser could get there
    r.body = JSON.stringify(body);
  });
  const page = await h.openApp();
  await h.waitSignedOut(page);
  const authUrl = await signInThroughProvider(page, op);
  await h.waitSignedIn(page);
  const [first, second] = pushes(op);
  assert.equal(pushes(op).length, 2, 'pushed twice');
  const stale = JSON.parse(first.responseBody).request_uri;
  assert.equal(JSON.parse(first.responseBody).expires_in, 1, 'the first answer was made stale');
  assert.equal(second.body.state, first.body.state, 'the same request, pushed again');
  assert.equal(authorizations(op).length, 1);
  assert.equal(authUrl.searchParams.get('request_uri'), JSON.parse(second.responseBody).request_uri, 'the fresh one was sent');
  assert.ok(!authorizations(op).some((a) => a.url.includes(encodeURIComponent(stale))), 'the stale one never was');
  const check = entry(page, 'The request_uri is fresh enough to use');
  await check.first().waitFor();
  assert.equal(await check.getByLabel('failed').count(), 1, 'the inspector shows the stale one refused');
  assert.match(await check.first().textContent(), /pushed again/);
  adoptProviderTokens(op);
});

h.test('a provider whose every request_uri is stale on arrival is said to be so (par_expired), and nobody is sent anywhere', async () => {
  const op = await required();
  op.tamper((r) => {
    if (r.path !== '/request' || r.status !== 201) return;
    r.body = JSON.stringify({ ...JSON.parse(r.body), expires_in: 1 });
  });
  const page = await h.openApp();
  await h.waitSignedOut(page);
  await h.signInButton(page).first().click();
  const { text } = await h.expectAlert(page, 'par_expired');
  assert.match(text, /expired before this page could send you/);
  assert.equal(pushes(op).length, 2, 'pushed twice, then stopped');
  assert.equal(authorizations(op).length, 0, 'no request_uri was sent');
  assert.equal((await h.sessionStorage(page))[PENDING_KEY], undefined, 'nothing left pending');
  assert.deepEqual(h.navigations.map((n) => n.url), [h.appUrl]);
});

h.test("the PAR endpoint's error is shown in words with its code, naming the provider (not Google)", async () => {
  const op = await required();
  op.intercept((e) => (e.method === 'POST' && e.path === '/request'
    ? { status: 400, body: { error: 'invalid_request', error_description: 'redirect_uri is not allowed for this client' } }
    : undefined));
  const page = await h.openApp();
  await h.waitSignedOut(page);
  await h.signInButton(page).first().click();
  const { text } = await h.expectAlert(page, 'invalid_request');
  const host = new URL(op.issuer).host;
  assert.match(text, new RegExp(`The pushed authorization request was refused \\(RFC 9126\\): The provider at ${host.replace(/\./g, '\\.')} found the authorization request malformed`));
  assert.match(text, /The server said: \W?redirect_uri is not allowed for this client/);
  assert.doesNotMatch(text, /Google/);
  assert.equal(authorizations(op).length, 0, 'nobody was sent to the authorization endpoint');
  assert.equal((await h.sessionStorage(page))[PENDING_KEY], undefined, 'nothing left pending');
  assert.equal((await h.sessionStorage(page))[SESSION_KEY], undefined);
});

h.test('a PAR endpoint that answers 429 without an OAuth error is said in words (par_failed); in a popup, the popup closes', async () => {
  const op = await configure('required', { par: { required: true } }, { display: 'popup' });
  op.intercept((e) => (e.method === 'POST' && e.path === '/request' ? { status: 429, body: 'slow down' } : undefined));
  const page = await h.openApp();
  await h.waitSignedOut(page);
  const [popup] = await Promise.all([page.waitForEvent('popup'), h.signInButton(page).first().click()]);
  const { text } = await h.expectAlert(page, 'par_failed');
  assert.match(text, /answered HTTP 429 \(too many requests/);
  await waitFor(() => popup.isClosed(), { message: 'the blank popup closed' });
  assert.equal(authorizations(op).length, 0);
});

h.test('an error sent back through the redirect names the provider that sent it, not Google', async () => {
  const op = await required();
  op.intercept((e) => {
    if (e.method !== 'GET' || e.path !== '/auth') return undefined;
    const [push] = pushes(op);
    const back = new URL(h.appUrl);
    back.searchParams.set('error', 'invalid_request');
    back.searchParams.set('state', push.body.state);
    back.searchParams.set('iss', op.issuer);
    return { status: 302, headers: { Location: back.href } };
  });
  const page = await h.openApp();
  await h.waitSignedOut(page);
  await h.signInButton(page).first().click();
  const { text } = await h.expectAlert(page, 'invalid_request');
  assert.match(text, new RegExp(`^The provider at ${new URL(op.issuer).host.replace(/\./g, '\\.')} found the authorization request malformed`));
  assert.doesNotMatch(text, /Google/);
  assert.doesNotMatch(await page.locator('.card.signed-out').textContent(), /Google/, 'nor does the card around it');
});

h.test('with DPoP, the push carries a proof for the PAR endpoint beside dpop_jkt, and a nonce asked there is answered once', async () => {
  const op = await configure('dpop', { par: { required: true }, dpop: { requireNonce: true } });
  const page = await h.openApp();
  await h.waitSignedOut(page);
  await signInThroughProvider(page, op);
  await h.waitSignedIn(page);
  const [refused, accepted] = pushes(op);
  assert.equal(refused.status, 400, 'the first push is answered use_dpop_nonce');
  assert.ok(refused.responseHeaders['dpop-nonce'], 'with a nonce');
  assert.equal(accepted.status, 201, 'the one retry carries it');
  const proof = accepted.headers.dpop;
  assert.ok(proof, 'a DPoP proof went with the push (RFC 9449 §10.1)');
  const [header, claims] = proof.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
  assert.equal(claims.htm, 'POST');
  assert.equal(claims.htu, `${op.issuer}/request`);
  assert.equal(claims.nonce, refused.responseHeaders['dpop-nonce']);
  const { crv, kty, x, y } = header.jwk;
  const jkt = crypto.createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
  assert.equal(accepted.body.dpop_jkt, jkt, 'dpop_jkt is the proof key\'s thumbprint');
  const access = op.tokens().find((t) => t.kind === 'access_token');
  assert.equal(op.accessTokenRecord(access.token)?.jkt, jkt, 'the token is bound to that key');
  adoptProviderTokens(op);
});

h.test('a click that comes before the DPoP key is made waits for it, then pushes and leaves for the provider', async () => {
  const op = await configure('dpop', { par: { required: true }, dpop: { requireNonce: true } });
  const page = await h.newPage();
  // The key is made ahead of any click (a popup must open inside it): held here until released,
  // on the first page only, as on a busy machine or a click at once after the page loads.
  await page.addInitScript(() => {
    if (sessionStorage.getItem('e2e.keys-held')) return;
    sessionStorage.setItem('e2e.keys-held', '1');
    const generateKey = SubtleCrypto.prototype.generateKey;
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    window.__releaseKeys = () => release();
    SubtleCrypto.prototype.generateKey = function (...args) {
      window.__keyAsked = true;
      return held.then(() => generateKey.apply(this, args));
    };
  });
  await h.goto(page, h.appUrl);
  await h.waitSignedOut(page);
  await page.waitForFunction(() => window.__keyAsked);
  const request = page.waitForRequest((r) => r.url().startsWith(`${op.issuer}/auth?`));
  const done = signInAtProvider(page, { login: 'ada', origin: op.issuer });
  await h.signInButton(page).first().click();
  assert.equal(pushes(op).length, 0, 'nothing pushed without the key');
  assert.equal(await page.getByText('not_ready').count(), 0, 'the click is not refused as too early');
  await page.evaluate(() => window.__releaseKeys());
  await request;
  await done;
  await h.waitSignedIn(page);
  assert.ok(pushes(op).some((push) => push.status === 201 && push.headers.dpop), 'the push carried a proof');
  adoptProviderTokens(op);
});
