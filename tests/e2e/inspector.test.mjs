// The protocol inspector shows the real values of the flow just run, and never a secret until asked.
import assert from 'node:assert/strict';
import { useHarness, CLIENT_ID } from './harness.mjs';

const h = useHarness();

const entry = (page, title) => page.getByTestId('timeline-entry').filter({ has: page.getByRole('heading', { name: title }) });

async function signInAndCapture(page) {
  const authUrl = await h.startSignIn(page);
  const state = new URL(authUrl).searchParams.get('state');
  await h.decide(page);
  await h.waitSignedIn(page);
  const [{ token }] = await h.tokens();
  return { state, token };
}

h.test('the inspector shows the real request, redirect, checks and API exchanges of the sign-in just run', async () => {
  const page = await h.openApp();
  await signInAndCapture(page);

  const request = entry(page, 'The page sends you to the authorization endpoint');
  const text = await request.textContent();
  assert.ok(text.includes(CLIENT_ID), 'client_id is the configured one');
  assert.ok(text.includes(h.appUrl), 'redirect_uri is this page');
  assert.match(text, /response_type\s*token/);
  assert.match(text, /CSRF/, 'each parameter is explained');
  assert.ok(await request.getByRole('link', { name: 'spec' }).count() >= 5, 'with links to the specifications');

  for (const title of ['State matches the one this tab sent', 'Token type is Bearer', 'Token was issued to this app (audience)', "User info describes the token's user"]) {
    assert.equal(await entry(page, title).getByLabel('passed').count(), 1, `${title} passed`);
  }
  const tokeninfo = await page.getByTestId('timeline-entry').filter({ hasText: '/tokeninfo' }).textContent();
  assert.match(tokeninfo, /Response\s*200/);
  assert.ok(tokeninfo.includes(`"aud":"${CLIENT_ID}"`), 'the real token info body is shown');

  const happened = await page.locator('[data-testid="sequence-diagram"] a.arrow.happened').evaluateAll((els) => els.map((e) => e.dataset.step));
  for (const step of ['AuthorizationRequest', 'Redirect', 'Check', 'TokenInfo', 'UserInfo']) {
    assert.ok(happened.includes(step), `the diagram highlights ${step}: ${happened}`);
  }
  assert.equal(await page.locator('[data-step="Revocation"].pending').count(), 1, 'revocation has not happened yet');
});

h.test('the token and the state stay hidden until "Reveal secrets" is pressed on that step', async () => {
  const page = await h.openApp();
  const { state, token } = await signInAndCapture(page);
  const html = await page.content();
  assert.ok(!html.includes(token), 'no unredacted token anywhere in the page');
  assert.ok(!html.includes(state), 'no unredacted state anywhere in the page');

  const redirect = entry(page, 'Google sends you back with the answer in the URL fragment');
  assert.match(await redirect.textContent(), /access token ya29… hidden, \d+ characters/);
  await redirect.getByRole('button', { name: 'Reveal secrets' }).click();
  assert.ok((await redirect.textContent()).includes(token), 'revealed on request');
  assert.ok((await redirect.textContent()).includes(state));
  await redirect.getByRole('button', { name: 'Hide secrets' }).click();
  assert.ok(!(await page.content()).includes(token), 'hidden again');
});

h.test('a forged response shows its failed state check in the inspector', async () => {
  h.extraTokens.add('ya29.forged-inspector');
  const page = await h.openApp();
  await h.startSignIn(page);
  await h.goto(page, `${h.appUrl}#access_token=ya29.forged-inspector&token_type=Bearer&state=forged`);
  await h.expectAlert(page, 'state_mismatch');
  const check = entry(page, 'State matches the one this tab sent');
  await check.first().waitFor(); // the inspector comes with the features module, once the page settled
  assert.equal(await check.getByLabel('failed').count(), 1);
  assert.match(await check.textContent(), /may be forged/);
});

h.test('the exported timeline is JSON with the real flow and no secret in it', async () => {
  const page = await h.openApp();
  const { state, token } = await signInAndCapture(page);
  // The export is built when it is about to be used (focus, pointer, click), not on every step.
  await page.getByTestId('export').focus();
  const href = await page.getByTestId('export').getAttribute('href');
  assert.ok(href.startsWith('data:application/json'));
  const json = decodeURIComponent(href.slice(href.indexOf(',') + 1));
  const entries = JSON.parse(json);
  assert.ok(entries.length >= 8, `${entries.length} entries`);
  assert.ok(json.includes(CLIENT_ID));
  assert.ok(!json.includes(token), 'no token in the export');
  assert.ok(!json.includes(state), 'no state in the export');
  assert.equal(await page.getByTestId('export').getAttribute('download'), 'oauth-timeline.json');
});

h.test('by keyboard alone, a diagram arrow leads to its timeline entry', async () => {
  const page = await h.openApp();
  await signInAndCapture(page);
  const arrow = page.locator('[data-testid="sequence-diagram"] a[data-step="TokenInfo"]').first();
  await arrow.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.startsWith('#step-'));
  const target = await page.evaluate(() => document.querySelector(':target')?.textContent || '');
  assert.ok(target.includes('/tokeninfo'), `the arrow leads to the token info exchange: ${target.slice(0, 80)}`);
});

h.test('on a phone-sized screen nothing overflows the page width', async () => {
  const page = await h.openApp();
  await page.setViewportSize({ width: 390, height: 800 });
  await signInAndCapture(page);
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: innerWidth }));
  assert.ok(scroll <= width, `page is ${scroll}px wide on a ${width}px screen`);
});

h.test('after a reload, the revocation at sign-out shows in the inspector with its token hidden', async () => {
  const page = await h.openApp();
  const { token } = await signInAndCapture(page);
  await page.reload();
  await h.waitSignedIn(page);
  await h.signOutButton(page).click();
  await h.waitSignedOut(page);

  const revoke = page.getByTestId('timeline-entry').filter({ hasText: '/revoke' });
  await revoke.first().waitFor();
  assert.match(await revoke.first().textContent(), /token=\[(access )?token ya29… hidden/);
  assert.ok(!(await page.content()).includes(token), 'no unredacted token anywhere in the page');
  assert.equal(await page.locator('[data-step="Revocation"].happened').count(), 1, 'the diagram shows the revocation');
});
