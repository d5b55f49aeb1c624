// "Use another account" (issue 13 item 4): Google's account chooser, asked for with
// prompt=select_account and no login_hint, from the signed-out card and from the profile.
import assert from 'node:assert/strict';
import { useHarness, ADA, GRACE, AUTH_PATH, clickForPopup, waitFor } from './harness.mjs';
import { startOidcProvider } from './oidc-provider.mjs';

const h = useHarness();

const anotherAccount = (page) => page.getByRole('button', { name: 'Use another account' });

/** Clicks "Use another account" and waits for the emulator's chooser; returns the request URL. */
async function openChooser(page, target = page) {
  await target.getByRole('heading', { name: 'Choose an account' }).waitFor();
  const url = new URL(target.url());
  assert.equal(url.pathname, AUTH_PATH);
  return url;
}

/** On the chooser, picks `who`; on the consent page that follows, checks the pick and allows. */
async function chooseAndAllow(target, who) {
  await target.getByRole('button', { name: new RegExp(who.email.replace('.', '\\.')) }).click();
  const radio = target.getByRole('radio', { name: new RegExp(who.email.replace('.', '\\.')) });
  await radio.waitFor();
  assert.ok(await radio.isChecked(), `the consent page preselects the chosen account ${who.email}`);
  await target.getByRole('button', { name: 'Allow', exact: true }).click();
}

h.test('after a sign-out, "Use another account" asks Google with prompt=select_account and no hint, and signs in whoever is chosen', async () => {
  const page = await h.openApp();
  await h.signIn(page, { account: ADA.email });
  await h.signOutButton(page).click();
  await h.waitSignedOut(page);

  await anotherAccount(page).click();
  const url = await openChooser(page);
  assert.equal(url.searchParams.get('prompt'), 'select_account');
  assert.equal(url.searchParams.get('login_hint'), null, 'no hint: the chooser decides');
  await chooseAndAllow(page, GRACE);
  await h.waitSignedIn(page);
  assert.equal((await page.getByTestId('profile-email').textContent()).trim(), GRACE.email);
});

h.test('the plain Sign in button keeps the remembered account and asks for no chooser', async () => {
  const page = await h.openApp();
  await h.signIn(page, { account: ADA.email });
  // Expiry keeps the account as a hint ("Sign in again as …").
  await page.evaluate(() => {
    const key = 'browser-oauth.session';
    const s = JSON.parse(sessionStorage.getItem(key));
    sessionStorage.setItem(key, JSON.stringify({ ...s, expires_at_ms: 1 }));
  });
  await page.reload();
  await h.expectAlert(page, 'session_expired');
  await page.getByRole('button', { name: /Sign in again as/ }).click();
  await page.waitForURL((u) => u.pathname === AUTH_PATH);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('prompt'), null);
  assert.ok(url.searchParams.get('login_hint'), 'the remembered account is the hint');
});

h.test('from the profile, choosing another account replaces the session and revokes the first account\'s token', async () => {
  const page = await h.openApp();
  await h.signIn(page, { account: ADA.email });
  const [adaToken] = await h.tokens();

  await anotherAccount(page).click();
  const url = await openChooser(page);
  assert.equal(url.searchParams.get('prompt'), 'select_account');
  assert.equal(url.searchParams.get('login_hint'), null, 'the signed-in account is not the hint');
  await chooseAndAllow(page, GRACE);
  await h.waitSignedIn(page);
  await page.getByTestId('profile-email').filter({ hasText: GRACE.email }).waitFor();

  await waitFor(async () => (await h.tokens()).find((t) => t.token === adaToken.token)?.revoked,
    { message: 'Ada\'s token revoked' });
  const grace = (await h.tokens()).at(-1);
  assert.notEqual(grace.token, adaToken.token);
  assert.ok(!grace.revoked, 'Grace\'s new token is not revoked');
  const stored = await h.storedSession(page);
  assert.equal(stored.access_token, grace.token);
});

h.test('from the profile, choosing the same account again keeps the grant (nothing is revoked)', async () => {
  const page = await h.openApp();
  await h.signIn(page, { account: ADA.email });
  await anotherAccount(page).click();
  await openChooser(page);
  await chooseAndAllow(page, ADA);
  await h.waitSignedIn(page);
  // The second token is in use (stored) before anything could have been revoked.
  await waitFor(async () => (await h.storedSession(page))?.access_token === (await h.tokens()).at(-1).token,
    { message: 'the new token is stored' });
  assert.deepEqual((await h.tokens()).filter((t) => t.revoked), [], 'the same person\'s new token revoked nothing');
});

h.test('cancelling the chooser from the profile keeps the session in use and says so', async () => {
  const page = await h.openApp();
  await h.signIn(page, { account: ADA.email });
  const [adaToken] = await h.tokens();
  await anotherAccount(page).click();
  await openChooser(page);
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await page.waitForURL((u) => u.origin === h.appOrigin);
  await h.expectAlert(page, 'access_denied');
  await h.waitSignedIn(page);
  assert.equal((await page.getByTestId('profile-email').textContent()).trim(), ADA.email);
  assert.equal((await h.storedSession(page)).access_token, adaToken.token);
  assert.ok(!(await h.tokens())[0].revoked, 'the session in use is not revoked');
});

h.test('with display "popup", choosing another account happens in the popup and the page stays', async () => {
  await h.setConfig({ ...h.defaultConfig(), display: 'popup' });
  const page = await h.openApp();
  const signIn = await clickForPopup(page, h.signInButton(page).first());
  await signIn.getByRole('button', { name: 'Allow', exact: true }).click();
  await h.waitSignedIn(page);
  const [adaToken] = await h.tokens();

  const popup = await clickForPopup(page, anotherAccount(page));
  const url = await openChooser(page, popup);
  assert.equal(url.searchParams.get('prompt'), 'select_account');
  await chooseAndAllow(popup, GRACE);
  await page.getByTestId('profile-email').filter({ hasText: GRACE.email }).waitFor();
  assert.equal(page.url(), h.appUrl, 'the page never left');
  await waitFor(async () => (await h.tokens()).find((t) => t.token === adaToken.token)?.revoked,
    { message: 'Ada\'s token revoked' });
});

h.test('another provider than Google gets no "Use another account" button', async () => {
  const op = await startOidcProvider({ redirectUris: [h.appUrl] });
  try {
    h.setConfig({ client_id: op.clientId, issuer: op.issuer });
    const page = await h.openApp();
    await h.waitSignedOut(page);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    assert.equal(await anotherAccount(page).count(), 0);
  } finally {
    await op.stop();
  }
});
