// The setup screen: shown when config.json is missing, unparseable or invalid.
import assert from 'node:assert/strict';
import { useHarness, CLIENT_ID, CLIENT_ID_KEY } from './harness.mjs';

const h = useHarness();

async function expectSetupScreen(page) {
  await page.getByTestId('setup').waitFor();
  assert.equal((await page.getByTestId('js-origin').textContent()).trim(), h.appOrigin, 'js-origin is the page origin');
  assert.equal((await page.getByTestId('redirect-uri').textContent()).trim(), h.appUrl, 'redirect-uri is the page URL');
  assert.equal(await h.signInButton(page).count(), 0, 'no Sign in button on the setup screen');
  assert.match(await page.getByTestId('emulator-hint').textContent(), /No Google account at hand\?\s*cargo xtask serve runs this page against the bundled local Google emulator/,
    'the setup screen names the way in that needs no Google account');
}

async function configErrorFields(page) {
  await page.locator('ul[data-testid="config-errors"] > li').first().waitFor();
  return page.locator('ul[data-testid="config-errors"] > li').evaluateAll((lis) =>
    lis.map((li) => [...li.querySelectorAll('code')].map((c) => c.textContent.trim())));
}

h.test('without config.json the setup screen shows the JavaScript origin and redirect URI to register', async () => {
  h.setConfig(null);
  const page = await h.openApp();
  await expectSetupScreen(page);
});

h.test('the setup screen shows the page\'s exact URL as redirect URI, without query or fragment', async () => {
  h.setConfig(null);
  const page = await h.openApp('?utm=1#frag');
  await page.getByTestId('setup').waitFor();
  assert.equal((await page.getByTestId('redirect-uri').textContent()).trim(), h.appUrl);
});

h.test('an unparseable config.json shows the setup screen', async () => {
  h.setConfig('{ this is not json');
  const page = await h.openApp();
  await expectSetupScreen(page);
});

h.test('an invalid config.json lists each bad field: client_id, flow, scopes, authorization_endpoint', async () => {
  h.setConfig({ flow: 'bogus', scopes: 'x', authorization_endpoint: 'not a url' });
  const page = await h.openApp();
  await expectSetupScreen(page);
  const fields = await configErrorFields(page);
  const named = fields.flat();
  for (const f of ['client_id', 'flow', 'scopes', 'authorization_endpoint']) {
    assert.ok(named.includes(f), `config-errors names ${f} in a <code>: ${JSON.stringify(fields)}`);
  }
  for (const [i, codes] of fields.entries()) {
    assert.ok(codes.length >= 1, `config-errors item ${i} names its field in a <code>`);
  }
});

h.test('a config without client_id asks for one, and the pasted client ID signs in end to end', async () => {
  const { client_id: _omit, ...rest } = h.defaultConfig();
  h.setConfig(rest);
  const page = await h.openApp();
  await expectSetupScreen(page);
  const fields = (await configErrorFields(page)).flat();
  assert.ok(fields.includes('client_id'), `config-errors names client_id: ${JSON.stringify(fields)}`);

  await page.getByLabel('Client ID').fill(CLIENT_ID);
  await page.getByRole('button', { name: 'Use this client ID' }).click();
  await h.signIn(page);
  assert.equal((await page.getByTestId('profile-name').textContent()).trim(), 'Ada Lovelace');
  assert.equal((await h.localStorage(page))[CLIENT_ID_KEY], CLIENT_ID, 'the client id is kept in localStorage');
  const [tok] = await h.tokens();
  assert.equal(tok.aud, CLIENT_ID);
});

h.test('a pasted client ID is remembered: after a reload the app offers Sign in, not the setup screen', async () => {
  const { client_id: _omit, ...rest } = h.defaultConfig();
  h.setConfig(rest);
  const page = await h.openApp();
  await page.getByTestId('setup').waitFor();
  await page.getByLabel('Client ID').fill(CLIENT_ID);
  await page.getByRole('button', { name: 'Use this client ID' }).click();
  await h.waitSignedOut(page);

  await page.reload();
  await h.waitSignedOut(page);
  assert.equal(await page.getByTestId('setup').count(), 0, 'no setup screen after the reload');
});

h.test('a config.json naming another provider gets setup words for that provider, not for Google', async () => {
  h.setConfig({ issuer: 'https://id.example.com', flow: 'code' });
  const page = await h.openApp();
  await page.getByTestId('setup').waitFor();
  const text = await page.getByTestId('setup').textContent();
  assert.doesNotMatch(text, /Google/, `nothing names Google: ${text}`);
  assert.match(text, /Register this page at the provider at id\.example\.com/);
  assert.match(text, /register a public client \(no secret, PKCE\)/, 'the client_id advice too');
  assert.equal((await page.getByTestId('redirect-uri').textContent()).trim(), h.appUrl);
  assert.equal(await page.getByTestId('emulator-hint').count(), 0);
  await h.audit(page, 'setup for another provider');
});
