// Client rules beyond PAR, against the certified oidc-provider: RFC 8414's authorization server
// metadata read where the OpenID discovery document is absent, and RFC 9207's `iss` held to
// what the provider's metadata promises (an answer without it refused from a provider that
// says it always sends it).
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { useHarness, SESSION_KEY } from './harness.mjs';
import { startOidcProvider, signInAtProvider } from './oidc-provider.mjs';

const h = useHarness();
let op;

after(async () => { await op?.stop(); });

async function configure() {
  op ||= await startOidcProvider({ redirectUris: [h.appUrl] });
  op.reset();
  h.setConfig({ client_id: op.clientId, issuer: op.issuer });
}

function adoptProviderTokens() {
  for (const t of op.tokens()) if (t.kind !== 'code') h.extraTokens.add(t.token);
  for (const e of op.log) {
    const location = e.responseHeaders?.location;
    if (location) h.allowedTokenUrls.add(new URL(location, op.issuer).href);
  }
}

const requests = (method, path) => op.log.filter((e) => e.method === method && e.path === path);

async function signInThroughProvider(page) {
  const done = signInAtProvider(page, { login: 'ada', origin: op.issuer });
  await h.signInButton(page).first().click();
  await done;
}

h.test('an OAuth server without the OpenID document: its RFC 8414 metadata is read instead, its issuer checked, and the sign-in works', async () => {
  await configure();
  op.intercept((e) => (e.path === '/.well-known/openid-configuration' ? { status: 404, body: { error: 'not_found' } } : undefined));
  const page = await h.openApp();
  await h.waitSignedOut(page);
  assert.equal(requests('GET', '/.well-known/openid-configuration').length, 1, 'the OpenID document was tried first');
  const [metadata] = requests('GET', '/.well-known/oauth-authorization-server');
  assert.ok(metadata, 'then RFC 8414\'s');
  assert.equal(metadata.status, 200);
  await signInThroughProvider(page);
  await h.waitSignedIn(page);
  assert.equal((await page.getByTestId('profile-email').textContent()).trim(), 'ada@example.test');
  const check = page.getByTestId('timeline-entry').filter({
    has: page.getByRole('heading', { name: 'The authorization server metadata (RFC 8414) speaks for the configured issuer' }),
  });
  // Read on each page load: before the sign-in and on the way back.
  await check.first().waitFor();
  assert.equal(await check.getByLabel('failed').count(), 0);
  assert.ok(await check.getByLabel('passed').count() >= 1);
  adoptProviderTokens();
});

h.test('RFC 8414 metadata naming another issuer is refused before any request reaches its endpoints', async () => {
  await configure();
  op.tamper((r) => {
    if (r.path !== '/.well-known/oauth-authorization-server') return;
    r.body = JSON.stringify({ ...JSON.parse(r.body), issuer: 'https://evil.example' });
  });
  op.intercept((e) => (e.path === '/.well-known/openid-configuration' ? { status: 404, body: '' } : undefined));
  const page = await h.openApp();
  const { text } = await h.expectAlert(page, 'discovery_issuer_mismatch');
  assert.match(text, /RFC 8414 §3\.3/);
  assert.match(await page.locator('main').textContent(), /\.well-known\/oauth-authorization-server/, 'the page names where it looked');
  assert.equal(op.log.filter((e) => !e.path.startsWith('/.well-known/')).length, 0, 'nothing else was asked of the provider');
});

h.test('a discovery document that fails (HTTP 500) is reported as it is: no fallback to RFC 8414', async () => {
  await configure();
  op.intercept((e) => (e.path === '/.well-known/openid-configuration' ? { status: 500, body: '' } : undefined));
  const page = await h.openApp();
  await h.expectAlert(page, 'discovery_unreadable');
  assert.equal(requests('GET', '/.well-known/oauth-authorization-server').length, 0);
});

h.test('a provider that advertises iss in its answers (RFC 9207) has an answer without iss refused with issuer_missing', async () => {
  await configure();
  const document = await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json();
  assert.equal(document.authorization_response_iss_parameter_supported, true);
  op.tamper((r) => {
    const location = r.headers.location;
    if (!location || !location.startsWith(h.appUrl) || !location.includes('code=')) return;
    const url = new URL(location);
    url.searchParams.delete('iss');
    r.headers.location = url.href;
  });
  const page = await h.openApp();
  await h.waitSignedOut(page);
  await signInThroughProvider(page);
  const { text } = await h.expectAlert(page, 'issuer_missing');
  assert.match(text, /does not say who sent it/);
  assert.equal(requests('POST', '/token').length, 0, 'the code was not exchanged');
  assert.equal((await h.sessionStorage(page))[SESSION_KEY], undefined);
  adoptProviderTokens();
});
