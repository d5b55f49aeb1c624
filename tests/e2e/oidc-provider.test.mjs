// Proves tests/e2e/oidc-provider.mjs: panva's oidc-provider on loopback, driven through real
// redirects in Chromium, with a bare test page served here as the client (not the app).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import crypto from 'node:crypto';
import { once } from 'node:events';
import { launchBrowser } from './harness.mjs';
import { startOidcProvider, signInAtProvider } from './oidc-provider.mjs';

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const random = () => b64url(crypto.randomBytes(32));

function decodeJwt(jwt) {
  const [h, p, s] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url')),
    claims: JSON.parse(Buffer.from(p, 'base64url')),
    signingInput: `${h}.${p}`,
    signature: Buffer.from(s, 'base64url'),
  };
}

async function verifyJwt(jwt, jwksUri) {
  const t = decodeJwt(jwt);
  const { keys } = await (await fetch(jwksUri)).json();
  const jwk = keys.find((k) => k.kid === t.header.kid);
  assert.ok(jwk, `the JWKS publishes kid ${t.header.kid}`);
  assert.equal(t.header.alg, 'RS256');
  const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  assert.ok(crypto.verify('RSA-SHA256', Buffer.from(t.signingInput), key, t.signature), 'ID token signature verifies');
  return t;
}

/** A static loopback server answering every GET with a bare HTML page: the test's "client". */
async function startStaticPage() {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end('<!DOCTYPE html><meta charset="utf-8"><title>test client</title><p>test client</p>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

let browser;
let app;
let other; // an origin not registered with the client
let op;
let meta; // discovery

before(async () => {
  [browser, app, other] = await Promise.all([launchBrowser(), startStaticPage(), startStaticPage()]);
  op = await startOidcProvider({ redirectUris: [`${app.origin}/`, `${app.origin}/sub/path/`] });
  meta = await (await fetch(op.discoveryUrl)).json();
});

after(async () => {
  await browser?.close();
  await op?.stop();
  await app?.close();
  await other?.close();
});

/** A fresh context (cookies ignore ports) with a page on the test client. */
async function clientPage(t, url = `${app.origin}/`) {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** From the client page: sends the tab to the authorization endpoint and signs in there. */
async function authorize(page, params, signIn = {}) {
  const url = new URL(meta.authorization_endpoint);
  for (const [k, v] of Object.entries({ client_id: op.clientId, scope: 'openid email profile', ...params })) {
    url.searchParams.set(k, v);
  }
  const done = signInAtProvider(page, { origin: op.origin, ...signIn });
  await page.evaluate((u) => { window.location.assign(u); }, url.href);
  const landed = await done;
  await page.waitForLoadState('domcontentloaded');
  assert.equal(page.url(), landed);
  return new URL(landed);
}

/** Code flow up to the code back at the redirect URI. */
async function codeFlow(page, { redirectUri = `${app.origin}/`, signIn } = {}) {
  const verifier = random();
  const state = random();
  const nonce = random();
  const back = await authorize(page, {
    response_type: 'code',
    redirect_uri: redirectUri,
    state,
    nonce,
    code_challenge: b64url(crypto.createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
  }, signIn);
  assert.equal(`${back.origin}${back.pathname}`, redirectUri);
  assert.equal(back.searchParams.get('state'), state);
  const code = back.searchParams.get('code');
  assert.ok(code, `a code came back: ${back.href}`);
  return { code, verifier, nonce, redirectUri };
}

/** POSTs a form from the page (so CORS applies); resolves to { ok, status, json, acao } or { error }. */
function postForm(page, url, form) {
  return page.evaluate(async ({ url, form }) => {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
      const text = await res.text();
      let json = null;
      try { json = JSON.parse(text); } catch { /* empty */ }
      return { ok: res.ok, status: res.status, json, text };
    } catch (e) {
      return { error: String(e) };
    }
  }, { url, form });
}

function exchange(page, { code, verifier, redirectUri }) {
  const form = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: op.clientId };
  if (verifier !== undefined) form.code_verifier = verifier;
  return postForm(page, meta.token_endpoint, form);
}

function userinfo(page, accessToken) {
  return page.evaluate(async ({ url, accessToken }) => {
    try {
      const res = await fetch(url, { headers: { Authorization: `Bearer ${accessToken}` } });
      return { status: res.status, json: await res.json().catch(() => null), wwwAuth: res.headers.get('www-authenticate') };
    } catch (e) {
      return { error: String(e) };
    }
  }, { url: meta.userinfo_endpoint, accessToken });
}

function atHash(accessToken) {
  return b64url(crypto.createHash('sha256').update(accessToken).digest().subarray(0, 16));
}

test('discovery: the issuer is exactly the configured one, from Node and from the page (open CORS)', async (t) => {
  assert.equal(meta.issuer, op.issuer);
  assert.equal(op.issuer, `http://127.0.0.1:${op.port}`);
  assert.equal(op.origin, op.issuer);
  assert.ok(meta.response_types_supported.includes('code'));
  assert.ok(meta.response_types_supported.includes('id_token token'));
  assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
  for (const k of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'revocation_endpoint', 'jwks_uri']) {
    assert.ok(meta[k]?.startsWith(`${op.issuer}/`), `${k}: ${meta[k]}`);
  }
  const page = await clientPage(t, `${other.origin}/`);
  const fromPage = await page.evaluate(async (u) => {
    const d = await (await fetch(u)).json();
    const jwks = await (await fetch(d.jwks_uri)).json();
    return { issuer: d.issuer, kids: jwks.keys.map((k) => k.kid) };
  }, op.discoveryUrl);
  assert.equal(fromPage.issuer, op.issuer);
  assert.deepEqual(fromPage.kids, [op.currentKid]);
  // Bound to loopback only.
  assert.equal(op.port > 0, true);
});

test('code + PKCE: login, consent, token exchange and userinfo from the page (CORS), code single use', async (t) => {
  const page = await clientPage(t);
  const flow = await codeFlow(page);
  const tok = await exchange(page, flow);
  assert.equal(tok.status, 200, JSON.stringify(tok));
  assert.equal(tok.json.token_type, 'Bearer');
  assert.ok(tok.json.access_token && tok.json.id_token);
  assert.equal(tok.json.refresh_token, undefined);
  const idt = await verifyJwt(tok.json.id_token, meta.jwks_uri);
  assert.equal(idt.claims.iss, op.issuer);
  assert.equal(idt.claims.aud, op.clientId);
  assert.equal(idt.claims.sub, 'ada');
  assert.equal(idt.claims.nonce, flow.nonce);
  // oidc-provider puts no at_hash (optional there) in an ID token from the token endpoint.
  assert.equal(idt.claims.at_hash, undefined);
  assert.equal(idt.header.kid, op.currentKid);
  assert.deepEqual(Object.keys(idt.claims).sort(), ['aud', 'exp', 'iat', 'iss', 'nonce', 'sub']);

  // What the page sent, as the provider saw it.
  const post = op.log.findLast((e) => e.path === '/token' && e.method === 'POST');
  assert.equal(post.body.code_verifier, flow.verifier);
  assert.equal(post.headers.origin, app.origin);
  assert.equal(post.responseHeaders['access-control-allow-origin'], app.origin);

  const me = await userinfo(page, tok.json.access_token);
  assert.equal(me.status, 200, JSON.stringify(me));
  assert.deepEqual(me.json, { sub: 'ada', email: 'ada@example.test', email_verified: true, name: 'Ada' });
  const ui = op.log.findLast((e) => e.path === '/me');
  assert.equal(ui.headers.authorization, `Bearer ${tok.json.access_token}`);

  // The same code a second time.
  const again = await exchange(page, flow);
  assert.equal(again.status, 400);
  assert.equal(again.json.error, 'invalid_grant');

  // Everything issued is on record for leak checks.
  const issued = op.tokens().map((x) => x.token);
  for (const v of [flow.code, tok.json.access_token, tok.json.id_token]) assert.ok(issued.includes(v));
  assert.deepEqual(op.serverErrors, []);
});

test('code + PKCE: a code posted without code_verifier (or with a wrong one) is refused', async (t) => {
  const page = await clientPage(t);
  const flow = await codeFlow(page, { signIn: { login: 'grace' } });
  const res = await exchange(page, { ...flow, verifier: undefined });
  assert.equal(res.status, 400, JSON.stringify(res));
  assert.equal(res.json.error, 'invalid_grant');

  // Same context: the session and grant are kept, so the provider shows no page this time.
  const flow2 = await codeFlow(page, { signIn: { origin: op.origin } });
  const wrong = await exchange(page, { ...flow2, verifier: random() });
  assert.equal(wrong.json?.error, 'invalid_grant');

  // Without PKCE at all the authorization request is refused at the redirect URI.
  const back = await authorize(page, {
    response_type: 'code', redirect_uri: `${app.origin}/`, state: 's1', nonce: 'n1',
  }, { origin: op.origin });
  assert.equal(back.searchParams.get('error'), 'invalid_request');
  assert.match(back.searchParams.get('error_description'), /PKCE/);
});

test('token endpoint and userinfo refuse an origin that is not a redirect URI\'s (CORS)', async (t) => {
  const page = await clientPage(t);
  const flow = await codeFlow(page);
  const tok = await exchange(page, flow);
  assert.equal(tok.status, 200);
  const stranger = await page.context().newPage();
  await stranger.goto(`${other.origin}/`);
  const res = await exchange(stranger, (await codeFlow(page)));
  assert.match(res.error || '', /Failed to fetch/, JSON.stringify(res));
  const post = op.log.findLast((e) => e.path === '/token' && e.method === 'POST');
  assert.equal(post.headers.origin, other.origin);
  assert.equal(post.status, 400);
  assert.equal(post.responseHeaders['access-control-allow-origin'], undefined);
  const me = await userinfo(stranger, tok.json.access_token);
  assert.match(me.error || '', /Failed to fetch/, JSON.stringify(me));
});

test('a redirect URI not registered (another port) or an unknown client: an error page at the provider, no redirect', async (t) => {
  const page = await clientPage(t);
  for (const [params, error] of [
    [{ redirect_uri: `${other.origin}/` }, 'invalid_redirect_uri'],
    [{ redirect_uri: `${app.origin}/other/` }, 'invalid_redirect_uri'],
    [{ client_id: 'someone-else' }, 'invalid_client'],
  ]) {
    const url = new URL(meta.authorization_endpoint);
    for (const [k, v] of Object.entries({
      client_id: op.clientId, scope: 'openid', response_type: 'id_token token', redirect_uri: `${app.origin}/`,
      state: 's', nonce: 'n', ...params,
    })) url.searchParams.set(k, v);
    await page.goto(url.href);
    assert.equal(new URL(page.url()).origin, op.origin);
    assert.match(await page.locator('body').innerText(), new RegExp(`error: ${error}`));
  }
});

test('id_token token: both come back in the fragment; the ID token carries the nonce and at_hash', async (t) => {
  const redirectUri = `${app.origin}/sub/path/`;
  const page = await clientPage(t, redirectUri);
  const state = random();
  const nonce = random();
  const back = await authorize(page, { response_type: 'id_token token', redirect_uri: redirectUri, state, nonce });
  assert.equal(`${back.origin}${back.pathname}`, redirectUri);
  assert.equal(back.search, '');
  const f = new URLSearchParams(back.hash.slice(1));
  assert.equal(f.get('state'), state);
  assert.equal(f.get('token_type'), 'Bearer');
  const accessToken = f.get('access_token');
  const idToken = f.get('id_token');
  assert.ok(accessToken && idToken, back.hash);
  assert.equal(f.get('expires_in'), '3600');
  const idt = await verifyJwt(idToken, meta.jwks_uri);
  assert.equal(idt.claims.nonce, nonce);
  assert.equal(idt.claims.at_hash, atHash(accessToken));
  assert.equal(idt.claims.aud, op.clientId);
  assert.equal(idt.claims.sub, 'ada');
  const me = await userinfo(page, accessToken);
  assert.equal(me.json?.email, 'ada@example.test');
  const issued = op.tokens().map((x) => x.token);
  assert.ok(issued.includes(accessToken) && issued.includes(idToken));

  // Without a nonce the implicit request is refused at the redirect URI (fragment).
  const noNonce = await authorize(page, { response_type: 'id_token token', redirect_uri: redirectUri, state: 's2' }, { origin: op.origin });
  const e = new URLSearchParams(noNonce.hash.slice(1));
  assert.equal(e.get('error'), 'invalid_request');
  assert.match(e.get('error_description'), /nonce/);
  assert.equal(e.get('state'), 's2');
});

test('consent refused: error=access_denied back at the redirect URI', async (t) => {
  const page = await clientPage(t);
  const back = await authorize(page, {
    response_type: 'code', redirect_uri: `${app.origin}/`, state: 'st', nonce: 'n',
    code_challenge: b64url(crypto.createHash('sha256').update(random()).digest()), code_challenge_method: 'S256',
  }, { consent: false });
  assert.equal(back.searchParams.get('error'), 'access_denied');
  assert.equal(back.searchParams.get('state'), 'st');
});

test('rotateKeys: a code, session and grant from before survive; ID tokens get the new kid, published in the JWKS', async (t) => {
  const page = await clientPage(t);
  const oldKid = op.currentKid;
  const flow = await codeFlow(page);
  const newKid = await op.rotateKeys();
  assert.notEqual(newKid, oldKid);
  assert.equal(op.currentKid, newKid);
  const tok = await exchange(page, flow);
  assert.equal(tok.status, 200, JSON.stringify(tok));
  const idt = await verifyJwt(tok.json.id_token, meta.jwks_uri);
  assert.equal(idt.header.kid, newKid);
  const { keys } = await (await fetch(meta.jwks_uri)).json();
  assert.deepEqual(keys.map((k) => k.kid), [newKid, oldKid]);
  assert.ok(keys.every((k) => !('d' in k)), 'only public keys are published');
  // The session from before the rotation: no login page this time.
  const before = op.log.length;
  const flow2 = await codeFlow(page, { signIn: { origin: op.origin } });
  assert.ok(!op.log.slice(before).some((e) => e.path.startsWith('/interaction/')), 'no interaction after rotation');
  const tok2 = await exchange(page, flow2);
  assert.equal(decodeJwt(tok2.json.id_token).header.kid, newKid);
});

test('revocation from the page (CORS): the token stops working at userinfo', async (t) => {
  const page = await clientPage(t);
  const tok = await exchange(page, await codeFlow(page));
  const at = tok.json.access_token;
  assert.equal((await userinfo(page, at)).status, 200);
  const rev = await postForm(page, meta.revocation_endpoint, { token: at, client_id: op.clientId });
  assert.equal(rev.status, 200, JSON.stringify(rev));
  const post = op.log.findLast((e) => e.path === '/token/revocation');
  assert.equal(post.responseHeaders['access-control-allow-origin'], app.origin);
  assert.deepEqual(post.body, { token: at, client_id: op.clientId });
  const after = await userinfo(page, at);
  assert.equal(after.status, 401);
  assert.match(after.wwwAuth || '', /invalid_token/);
});

test('intercept and tamper change what the provider answers; reset() restores it', async (t) => {
  const removeI = op.intercept((e) => (e.path === '/jwks' ? { status: 503, body: { error: 'down' } } : undefined));
  let res = await fetch(meta.jwks_uri);
  assert.equal(res.status, 503);
  assert.deepEqual(await res.json(), { error: 'down' });
  removeI();
  // From the page: an intercepted answer still carries CORS for the client's origin.
  const page0 = await clientPage(t);
  const remove2 = op.intercept((e) => (e.method === 'POST' && e.path === '/token' ? { status: 500, body: { error: 'server_error' } } : undefined));
  const failed = await postForm(page0, meta.token_endpoint, { grant_type: 'authorization_code', code: 'x' });
  assert.equal(failed.status, 500, JSON.stringify(failed));
  assert.equal(failed.json.error, 'server_error');
  remove2();
  op.tamper((r) => {
    if (r.path === '/.well-known/openid-configuration') {
      r.body = JSON.stringify({ ...JSON.parse(r.body), issuer: `${op.issuer}/` });
    }
  });
  res = await fetch(op.discoveryUrl);
  assert.equal((await res.json()).issuer, `${op.issuer}/`);
  op.reset();
  assert.equal(op.log.length, 0);
  res = await fetch(op.discoveryUrl);
  assert.equal((await res.json()).issuer, op.issuer);
  // No page leaves loopback: the provider's HTML has no Google Fonts import.
  const page = await clientPage(t);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await codeFlow(page);
  assert.deepEqual(requests.filter((u) => !u.startsWith('http://127.0.0.1:')), []);
});
