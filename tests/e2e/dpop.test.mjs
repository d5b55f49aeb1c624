// DPoP (RFC 9449) against the certified oidc-provider with features.dPoP on: the code is bound
// to the page's key (dpop_jkt), the token to that key (cnf.jkt), every use carries a fresh proof
// and the DPoP scheme, the provider refuses the token without a proof or with a replayed one,
// the nonce round trip (use_dpop_nonce) works, a reload keeps the key (IndexedDB), sign-out
// deletes it (the next sign-in gets a new one). A provider that does not offer DPoP gets Bearer, as before.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after } from 'node:test';
import { useHarness, SESSION_KEY } from './harness.mjs';
import { startOidcProvider, signInAtProvider } from './oidc-provider.mjs';

const h = useHarness();
const providers = {};

after(async () => { for (const op of Object.values(providers)) await op.stop(); });

/** A provider per DPoP setting (cookies ignore ports: the harness gives each test a fresh
 * browser context). */
async function configure(name, dpop) {
  providers[name] ||= await startOidcProvider({ redirectUris: [h.appUrl], dpop });
  const op = providers[name];
  op.reset();
  h.setConfig({ client_id: op.clientId, issuer: op.issuer });
  return op;
}

function adoptProviderTokens(op) {
  for (const t of op.tokens()) if (t.kind !== 'code') h.extraTokens.add(t.token);
  for (const e of op.log) {
    const location = e.responseHeaders?.location;
    if (location) h.allowedTokenUrls.add(new URL(location, op.issuer).href);
  }
}

const requests = (op, method, path) => op.log.filter((e) => e.method === method && e.path === path);

/** Header and claims of a compact JWS, read without checking anything. */
function decodeProof(jws) {
  const [header, claims, signature] = jws.split('.');
  const json = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  return { header: json(header), claims: json(claims), signature: Buffer.from(signature, 'base64url') };
}

/** RFC 7638: the SHA-256 of the required members in lexicographic order, base64url. */
function thumbprint({ crv, kty, x, y }) {
  return crypto.createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
}

const sha256 = (text) => crypto.createHash('sha256').update(text).digest('base64url');

/** Checks a proof the way a server would (RFC 9449 §4.3), with Node's own crypto. */
function checkProof(jws, { htm, htu, token }) {
  const { header, claims, signature } = decodeProof(jws);
  assert.equal(header.typ, 'dpop+jwt');
  assert.equal(header.alg, 'ES256');
  assert.deepEqual(Object.keys(header.jwk).sort(), ['crv', 'kty', 'x', 'y'], 'the public key only');
  const key = crypto.createPublicKey({ key: header.jwk, format: 'jwk' });
  const input = jws.slice(0, jws.lastIndexOf('.'));
  assert.ok(crypto.verify('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }, signature),
    'signed by the key in its header, raw r || s');
  assert.equal(claims.htm, htm);
  assert.equal(claims.htu, htu);
  assert.match(claims.jti, /^[A-Za-z0-9_-]{22,}$/);
  assert.ok(Math.abs(claims.iat - Date.now() / 1000) < 60, 'iat is now');
  assert.equal(claims.ath, token === undefined ? undefined : sha256(token));
  return { header, claims, jkt: thumbprint(header.jwk) };
}

/** Clicks "Sign in" and goes through the provider's login and consent; returns the request URL. */
async function signIn(page, op) {
  const request = page.waitForRequest((r) => r.url().startsWith(`${op.issuer}/auth?`));
  const done = signInAtProvider(page, { login: 'ada', origin: op.issuer });
  await h.signInButton(page).first().click();
  const authUrl = new URL((await request).url());
  await done;
  await h.waitSignedIn(page);
  return authUrl;
}

/** The key record the page keeps in IndexedDB, as the page sees it. */
function keyInPage(page) {
  return page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open('browser-oauth-dpop');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    if (!db.objectStoreNames.contains('keys')) { db.close(); return null; }
    const record = await new Promise((resolve, reject) => {
      const get = db.transaction('keys').objectStore('keys').get('dpop');
      get.onsuccess = () => resolve(get.result);
      get.onerror = () => reject(get.error);
    });
    db.close();
    if (!record) return null;
    let exported = 'exported';
    try { await crypto.subtle.exportKey('jwk', record.privateKey); } catch (e) { exported = e.name; }
    return {
      extractable: record.privateKey.extractable,
      algorithm: record.privateKey.algorithm,
      exportPrivate: exported,
      publicJwk: await crypto.subtle.exportKey('jwk', record.publicKey),
    };
  });
}

/** A DPoP proof signed in the page with the key it keeps, as the app would make it. */
function proofFromPage(page, claims) {
  return page.evaluate(async ({ htm, htu, token }) => {
    const db = await new Promise((resolve) => { const o = indexedDB.open('browser-oauth-dpop'); o.onsuccess = () => resolve(o.result); });
    const pair = await new Promise((resolve) => { const g = db.transaction('keys').objectStore('keys').get('dpop'); g.onsuccess = () => resolve(g.result); });
    db.close();
    const { crv, kty, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const text = (value) => b64(new TextEncoder().encode(JSON.stringify(value)));
    const ath = b64(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
    const jti = b64(crypto.getRandomValues(new Uint8Array(16)));
    const input = `${text({ typ: 'dpop+jwt', alg: 'ES256', jwk: { crv, kty, x, y } })}.${text({ jti, htm, htu, iat: Math.floor(Date.now() / 1000), ath })}`;
    const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, new TextEncoder().encode(input));
    return `${input}.${b64(signature)}`;
  }, claims);
}

h.test('with a provider offering DPoP, the code and the token are bound to the page\'s non-extractable key, and user info gets a proof and the DPoP scheme', async () => {
  const op = await configure('dpop', true);
  const page = await h.openApp();
  await h.waitSignedOut(page);
  const authUrl = await signIn(page, op);

  const key = await keyInPage(page);
  assert.ok(key, 'the key is kept in IndexedDB');
  assert.equal(key.extractable, false, 'the private key cannot be exported');
  assert.equal(key.exportPrivate, 'InvalidAccessError');
  assert.deepEqual(key.algorithm, { name: 'ECDSA', namedCurve: 'P-256' });
  const jkt = thumbprint(key.publicJwk);
  assert.equal(authUrl.searchParams.get('dpop_jkt'), jkt, 'the code is bound to the key (RFC 9449 §10)');

  const [exchange] = requests(op, 'POST', '/token');
  assert.equal(exchange.status, 200);
  const tokenProof = checkProof(exchange.headers.dpop, { htm: 'POST', htu: `${op.issuer}/token` });
  assert.equal(tokenProof.jkt, jkt, 'the token request is proved with the same key');

  const accessToken = op.tokens().find((t) => t.kind === 'access_token').token;
  const record = op.accessTokenRecord(accessToken);
  assert.equal(record.jkt, jkt, 'the provider bound the token to the key (cnf.jkt)');
  const session = JSON.parse((await h.sessionStorage(page))[SESSION_KEY]);
  assert.equal(session.token_type, 'DPoP', 'the session knows its token is bound');

  const [me] = requests(op, 'GET', '/me');
  assert.equal(me.status, 200);
  assert.equal(me.headers.authorization, `DPoP ${accessToken}`);
  const meProof = checkProof(me.headers.dpop, { htm: 'GET', htu: `${op.issuer}/me`, token: accessToken });
  assert.equal(meProof.jkt, jkt);
  assert.notEqual(meProof.claims.jti, tokenProof.claims.jti, 'a fresh proof for each request');

  // The provider refuses the token without a proof, as a bearer token, and with a replayed proof
  // (RFC 9449 §7.1: 401, or 400 invalid_request for a DPoP scheme with no proof at all).
  const userinfo = async (headers) => {
    const r = await fetch(`${op.issuer}/me`, { headers });
    return { status: r.status, challenge: r.headers.get('www-authenticate') || '', body: await r.text() };
  };
  const noProof = await userinfo({ authorization: `DPoP ${accessToken}` });
  assert.equal(noProof.status, 400, 'no proof: refused');
  assert.match(noProof.body + noProof.challenge, /invalid_request/);
  const asBearer = await userinfo({ authorization: `Bearer ${accessToken}` });
  assert.equal(asBearer.status, 401, 'as a bearer token: refused');
  assert.match(asBearer.challenge, /invalid_token/);
  // A proof made now with the page's own key (inside the page: the key cannot leave it) is
  // accepted once; the very same proof sent again is refused as a replay (its jti was seen).
  const fresh = await proofFromPage(page, { htm: 'GET', htu: `${op.issuer}/me`, token: accessToken });
  const once = await userinfo({ authorization: `DPoP ${accessToken}`, dpop: fresh });
  assert.equal(once.status, 200, 'a fresh proof of the page\'s key is accepted');
  const replayed = await userinfo({ authorization: `DPoP ${accessToken}`, dpop: fresh });
  assert.equal(replayed.status, 401, 'the same proof again: refused');
  assert.match(replayed.challenge, /^DPoP .*error="invalid_token"/);
  const appsProof = await userinfo({ authorization: `DPoP ${accessToken}`, dpop: me.headers.dpop });
  assert.equal(appsProof.status, 401, "the app's own proof, replayed: refused");

  // The inspector shows each proof's header and claims.
  const inspector = page.getByTestId('inspector');
  await inspector.getByText(`A DPoP proof for POST ${op.issuer}/token`).first().waitFor();
  await inspector.getByText(`A DPoP proof for GET ${op.issuer}/me`).first().waitFor();
  assert.match(await inspector.textContent(), /"typ": "dpop\+jwt"/);
  adoptProviderTokens(op);
});

h.test('a reload keeps a DPoP session working: the key comes back from IndexedDB and proves the same token', async () => {
  const op = await configure('dpop', true);
  const page = await h.openApp();
  await h.waitSignedOut(page);
  await signIn(page, op);
  const accessToken = op.tokens().find((t) => t.kind === 'access_token').token;
  const { jkt } = checkProof(requests(op, 'GET', '/me')[0].headers.dpop,
    { htm: 'GET', htu: `${op.issuer}/me`, token: accessToken });

  const again = page.waitForResponse((r) => r.url() === `${op.issuer}/me` && r.request().method() === 'GET');
  await page.reload();
  assert.equal((await again).status(), 200);
  await h.waitSignedIn(page);
  const mes = requests(op, 'GET', '/me');
  assert.equal(mes.length, 2);
  const after = checkProof(mes[1].headers.dpop, { htm: 'GET', htu: `${op.issuer}/me`, token: accessToken });
  assert.equal(after.jkt, jkt, 'the same key after the reload');
  assert.equal(mes[1].headers.authorization, `DPoP ${accessToken}`);
  adoptProviderTokens(op);
});

h.test('sign-out revokes the DPoP-bound token and deletes its key; the next sign-in binds a new key', async () => {
  const op = await configure('dpop', true);
  const page = await h.openApp();
  await h.waitSignedOut(page);
  await signIn(page, op);
  const before = await keyInPage(page);
  const jkt = thumbprint(before.publicJwk);
  const accessToken = op.tokens().find((t) => t.kind === 'access_token').token;
  assert.equal(op.accessTokenRecord(accessToken).jkt, jkt);

  const revoked = page.waitForResponse((r) => r.url() === `${op.issuer}/token/revocation` && r.request().method() === 'POST');
  await h.signOutButton(page).click();
  assert.equal((await revoked).status(), 200);
  await h.waitSignedOut(page);
  const [revoke] = requests(op, 'POST', '/token/revocation');
  assert.equal(revoke.body.token, accessToken);
  checkProof(revoke.headers.dpop, { htm: 'POST', htu: `${op.issuer}/token/revocation` });
  // The signed-out page already holds the next sign-in's key (made as the next PKCE pair is):
  // the one the token was bound to is gone from IndexedDB.
  const after = await keyInPage(page);
  assert.ok(after, 'the next sign-in\'s key is ready');
  assert.notEqual(thumbprint(after.publicJwk), jkt, 'the bound key was deleted');
  assert.equal(after.extractable, false);

  const authUrl = await signIn(page, op);
  const newJkt = thumbprint(after.publicJwk);
  assert.equal(authUrl.searchParams.get('dpop_jkt'), newJkt);
  const tokens = op.tokens().filter((t) => t.kind === 'access_token');
  assert.equal(tokens.length, 2);
  assert.equal(op.accessTokenRecord(tokens[1].token).jkt, newJkt, 'the new token is bound to the new key');
  adoptProviderTokens(op);
});

h.test('a provider requiring DPoP nonces answers the first token request with use_dpop_nonce; the app retries once with the nonce and signs in', async () => {
  const op = await configure('nonce', { requireNonce: true });
  const page = await h.openApp();
  await h.waitSignedOut(page);
  await signIn(page, op);

  const tokens = requests(op, 'POST', '/token');
  assert.equal(tokens.length, 2, 'the token request was sent twice');
  const [first, second] = tokens;
  assert.equal(first.status, 400);
  const nonce = first.responseHeaders['dpop-nonce'];
  assert.ok(nonce, 'the provider gave a nonce');
  assert.equal(decodeProof(first.headers.dpop).claims.nonce, undefined, 'the first proof had none');
  assert.equal(second.status, 200);
  const retried = checkProof(second.headers.dpop, { htm: 'POST', htu: `${op.issuer}/token` });
  assert.equal(retried.claims.nonce, nonce, 'the retry carries the nonce given');
  assert.notEqual(retried.claims.jti, decodeProof(first.headers.dpop).claims.jti);
  assert.equal(first.body.code, second.body.code, 'the same code: it was not spent by the refusal');

  const mes = requests(op, 'GET', '/me');
  assert.equal(mes.at(-1).status, 200, 'user info answered');
  assert.ok(mes.length <= 2, 'user info was sent at most twice');
  for (const me of mes) assert.ok(decodeProof(me.headers.dpop).claims.nonce, 'user info proofs carry a nonce');
  adoptProviderTokens(op);
});

h.test('a resource server answering 401 use_dpop_nonce (WWW-Authenticate: DPoP) gets the request once more with the nonce it gave', async () => {
  const op = await configure('nonce', { requireNonce: true });
  // The token endpoint's success hands out a nonce the provider will not accept (as a server
  // whose nonce has since moved on would), so user info refuses the first proof with its own.
  op.tamper((r) => {
    if (r.method === 'POST' && r.path === '/token' && r.status === 200) r.headers['dpop-nonce'] = 'a-nonce-the-provider-never-gave';
  });
  const page = await h.openApp();
  await h.waitSignedOut(page);
  await signIn(page, op);
  const mes = requests(op, 'GET', '/me');
  assert.equal(mes.length, 2, 'user info was sent twice');
  const [refused, retried] = mes;
  assert.equal(decodeProof(refused.headers.dpop).claims.nonce, 'a-nonce-the-provider-never-gave');
  assert.equal(refused.status, 401);
  assert.match(refused.responseHeaders['www-authenticate'], /^DPoP .*error="use_dpop_nonce"/);
  const given = refused.responseHeaders['dpop-nonce'];
  assert.ok(given);
  assert.equal(retried.status, 200);
  assert.equal(decodeProof(retried.headers.dpop).claims.nonce, given, 'the retry carries the nonce the 401 gave');
  adoptProviderTokens(op);
});

h.test('a server that asks for a nonce again after the retry is not asked a third time', async () => {
  const op = await configure('nonce', { requireNonce: true });
  let refusals = 0;
  op.tamper((r) => {
    if (r.method !== 'GET' || r.path !== '/me') return;
    refusals += 1;
    r.status = 401;
    r.headers['www-authenticate'] = `DPoP error="use_dpop_nonce", error_description="refusal ${refusals}"`;
    r.headers['dpop-nonce'] = `nonce-${refusals}`;
    r.body = '';
  });
  const page = await h.openApp();
  await h.waitSignedOut(page);
  const done = signInAtProvider(page, { login: 'ada', origin: op.issuer });
  await h.signInButton(page).first().click();
  await done;
  await h.expectAlert(page, 'session_expired');
  assert.equal(requests(op, 'GET', '/me').length, 2, 'one retry, no more');
  assert.equal(decodeProof(requests(op, 'GET', '/me')[1].headers.dpop).claims.nonce, 'nonce-1');
  adoptProviderTokens(op);
});

h.test('a provider that does not offer DPoP gets Bearer tokens and no proofs, as before', async () => {
  const op = await configure('plain', false);
  const page = await h.openApp();
  await h.waitSignedOut(page);
  const authUrl = await signIn(page, op);
  assert.equal(authUrl.searchParams.get('dpop_jkt'), null);
  const [exchange] = requests(op, 'POST', '/token');
  assert.equal(exchange.headers.dpop, undefined);
  const accessToken = op.tokens().find((t) => t.kind === 'access_token').token;
  assert.equal(op.accessTokenRecord(accessToken).jkt, undefined, 'a bearer token');
  const [me] = requests(op, 'GET', '/me');
  assert.equal(me.headers.authorization, `Bearer ${accessToken}`);
  assert.equal(me.headers.dpop, undefined);
  assert.equal(await keyInPage(page), null, 'no key was made');
  adoptProviderTokens(op);
});
