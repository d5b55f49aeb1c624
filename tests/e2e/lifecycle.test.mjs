// Token lifecycle: popup sign-in, renewal with prompt=none and its fallbacks, many tabs.
import assert from 'node:assert/strict';
import { useHarness, ADA, AUTH_PATH, SESSION_KEY, waitFor, clickForPopup, approveInPopup } from './harness.mjs';

const h = useHarness();

const INTERACTION_CODES = ['interaction_required', 'login_required', 'consent_required', 'access_denied', 'immediate_failed'];

/** The app in popup mode, or with a renewal lead time longer than the token's life. */
function config(extra) {
  h.setConfig({ ...h.defaultConfig(), ...extra });
}

/** Makes window.open report a blocked popup, the way browsers do (it returns null). */
async function blockPopups(page) {
  await page.context().addInitScript(() => { window.open = () => null; });
}

/** A second tab of the same browser (shares BroadcastChannel, not sessionStorage), signed in. */
async function secondTabSignedIn(first) {
  const tab = await first.context().newPage();
  await tab.goto(h.appUrl);
  await h.signInButton(tab).click();
  await approveInPopup(tab);
  await h.waitSignedIn(tab);
  return tab;
}

async function accessToken(page) {
  return (await h.storedSession(page))?.access_token;
}

h.test('popup sign-in shows the profile without the page ever leaving its URL', async () => {
  config({ display: 'popup' });
  const page = await h.openApp();
  const popup = await clickForPopup(page, h.signInButton(page));
  await approveInPopup(popup);
  await h.waitSignedIn(page);
  await waitFor(() => popup.isClosed(), { message: 'the popup closed itself' });

  assert.equal((await page.getByTestId('profile-name').textContent()).trim(), ADA.name);
  assert.deepEqual(h.navigations.map((n) => n.url), [h.appUrl], 'the page itself never navigated');
  const [{ token }] = await h.tokens();
  assert.equal(await accessToken(page), token, 'the token relayed by the popup is the session');
});

h.test('closing the sign-in popup shows popup_closed and stays signed out', async () => {
  config({ display: 'popup' });
  const page = await h.openApp();
  const popup = await clickForPopup(page, h.signInButton(page));
  await popup.waitForURL((u) => u.pathname === AUTH_PATH);
  await popup.close();

  await h.expectAlert(page, 'popup_closed');
  await h.waitSignedOut(page);
  assert.equal(await accessToken(page), undefined);
});

h.test('a blocked sign-in popup shows popup_blocked and offers to continue in this tab, which works', async () => {
  config({ display: 'popup' });
  const page = await h.newPage();
  await blockPopups(page);
  await h.goto(page, h.appUrl);
  await h.signInButton(page).click();

  await h.expectAlert(page, 'popup_blocked');
  await page.getByRole('button', { name: 'Continue in this tab instead' }).click();
  await h.decide(page);
  await h.waitSignedIn(page);
});

h.test('renewal offers itself within the lead time and renews silently in a popup with prompt=none and login_hint', async () => {
  config({ renew_lead_secs: 3600 });
  const page = await h.openApp();
  await h.signIn(page);
  const first = await accessToken(page);

  const renewal = page.getByTestId('renewal');
  await renewal.waitFor();
  const popup = await clickForPopup(page, renewal.getByRole('button', { name: 'Stay signed in' }));
  await page.getByRole('status').filter({ hasText: 'Session renewed' }).waitFor();

  const authRequests = (await h.log()).filter((e) => e.path === AUTH_PATH);
  const silent = new URLSearchParams(authRequests.at(-1).query);
  assert.equal(silent.get('prompt'), 'none');
  assert.equal(silent.get('login_hint'), ADA.email);
  await waitFor(() => popup.isClosed(), { message: 'the popup closed itself' });
  const second = await accessToken(page);
  assert.ok(second && second !== first, 'a new token replaced the old one');
  assert.equal((await h.tokens()).length, 2);
  await h.waitSignedIn(page);
});

for (const code of INTERACTION_CODES) {
  h.test(`renewal answered ${code} falls back to an interactive popup, which renews`, async () => {
    config({ renew_lead_secs: 3600 });
    const page = await h.openApp();
    await h.signIn(page);
    const first = await accessToken(page);
    await h.knobs({ prompt_none_error: code });

    const popup = await clickForPopup(page, page.getByRole('button', { name: 'Stay signed in' }));
    await approveInPopup(popup);
    await page.getByRole('status').filter({ hasText: 'Session renewed' }).waitFor();

    const prompts = (await h.log()).filter((e) => e.path === AUTH_PATH).map((e) => new URLSearchParams(e.query).get('prompt'));
    assert.deepEqual(prompts.slice(-2), ['none', null], 'a silent request, then an interactive one');
    const second = await accessToken(page);
    assert.ok(second && second !== first);
  });
}

h.test('closing the renewal popup shows popup_closed and keeps the current session', async () => {
  config({ renew_lead_secs: 3600 });
  const page = await h.openApp();
  await h.signIn(page);
  const first = await accessToken(page);
  await h.knobs({ prompt_none_error: 'interaction_required' });

  const popup = await clickForPopup(page, page.getByRole('button', { name: 'Stay signed in' }));
  await popup.waitForURL((u) => u.pathname === AUTH_PATH && !u.search.includes('prompt=none'));
  await popup.close();

  await h.expectAlert(page, 'popup_closed');
  await h.waitSignedIn(page);
  assert.equal(await accessToken(page), first, 'the session in use is untouched');
});

h.test('renewal with popups blocked falls back to a full redirect and comes back signed in with a new token', async () => {
  config({ renew_lead_secs: 3600 });
  const page = await h.newPage();
  await h.goto(page, h.appUrl);
  await h.signIn(page);
  const first = await accessToken(page);
  await blockPopups(page);
  await page.reload();
  await h.waitSignedIn(page);

  await page.getByRole('button', { name: 'Stay signed in' }).click();
  await h.decide(page);
  await h.waitSignedIn(page);
  const second = await waitFor(async () => {
    const t = await accessToken(page);
    return t && t !== first ? t : null;
  }, { message: 'a new token after the redirect' });
  assert.ok(second);
  assert.equal(page.url(), h.appUrl);
});

h.test('signing out in one tab signs out every tab of the origin and revokes their tokens', async () => {
  const a = await h.openApp();
  await h.signIn(a);
  const b = await secondTabSignedIn(a);
  const tokens = await h.tokens();
  assert.equal(tokens.length, 2, 'each tab has its own token');

  await h.signOutButton(a).click();
  await h.waitSignedOut(a);
  await b.getByRole('status').filter({ hasText: 'another tab' }).waitFor();
  await h.waitSignedOut(b);
  assert.equal((await h.sessionStorage(b))[SESSION_KEY], undefined, 'the other tab forgot its token');
  await waitFor(async () => (await h.tokens()).every((t) => t.revoked), { message: 'both tokens revoked' });
});

h.test('renewing in one tab leaves another tab signed in with a token that still works', async () => {
  config({ renew_lead_secs: 3600 });
  const a = await h.openApp();
  await h.signIn(a);
  const b = await secondTabSignedIn(a);
  const bToken = await accessToken(b);

  const popup = await clickForPopup(a, a.getByRole('button', { name: 'Stay signed in' }));
  await a.getByRole('status').filter({ hasText: 'Session renewed' }).waitFor();
  await waitFor(() => popup.isClosed(), { message: 'the popup closed itself' });

  await b.reload();
  await h.waitSignedIn(b);
  assert.equal(await accessToken(b), bToken);
  const revoked = (await h.tokens()).filter((t) => t.revoked);
  assert.deepEqual(revoked, [], 'renewal revoked nothing');
});

h.test('when COOP on the consent page cuts the popup off from this tab, its answer still arrives by BroadcastChannel', async () => {
  config({ display: 'popup' });
  const page = await h.newPage();
  // Google's sign-in pages send Cross-Origin-Opener-Policy, which severs window.opener.
  await page.context().route((u) => u.pathname === AUTH_PATH, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'cross-origin-opener-policy': 'same-origin' } });
  });
  await h.goto(page, h.appUrl);
  const popup = await clickForPopup(page, h.signInButton(page));
  await popup.waitForURL((u) => u.pathname === AUTH_PATH);
  assert.equal(await popup.evaluate(() => window.opener), null, 'COOP severed the opener');
  assert.equal(await page.evaluate(() => window.name), '', 'the tab itself is not the popup');
  assert.equal(await popup.evaluate(() => window.name), '', 'COOP cleared the name the app gave the popup');
  assert.equal((await h.sessionStorage(page))['browser-oauth.popup-window'], undefined, 'the tab keeps no popup mark: only the popup\'s copy of sessionStorage has it');
  await approveInPopup(popup);

  await h.waitSignedIn(page);
  assert.equal((await page.getByTestId('profile-name').textContent()).trim(), ADA.name);
  const [{ token }] = await h.tokens();
  assert.equal(await accessToken(page), token);
});

h.test('a forged answer arriving in the tab that waits for its popup is checked there (state_mismatch), not relayed as if the tab were the popup', async () => {
  const forged = 'ya29.forged-into-the-waiting-tab';
  h.extraTokens.add(forged);
  config({ display: 'popup' });
  const page = await h.openApp();
  const popup = await clickForPopup(page, h.signInButton(page));
  await popup.waitForURL((u) => u.pathname === AUTH_PATH);
  assert.match((await h.sessionStorage(page))['browser-oauth.pending'] || '', /"state"/, 'the tab holds the popup sign-in\'s pending request');

  await h.goto(page, `${h.appUrl}#access_token=${forged}&token_type=Bearer&expires_in=3599&scope=openid&state=forged-state`);
  await h.expectAlert(page, 'state_mismatch');
  assert.equal(await page.getByText('This window closes by itself').count(), 0, 'the tab did not take itself for the popup');
  assert.ok(!page.isClosed(), 'the tab is still open');
  await h.waitSignedOut(page);
  assert.equal(await accessToken(page), undefined);
  const used = (await h.log()).filter((e) => JSON.stringify(e).includes(forged));
  assert.deepEqual(used, [], 'the forged token went nowhere');
});

h.test('renewal with popups blocked comes back by redirect to the Tasks view with the typed title restored', async () => {
  config({ renew_lead_secs: 3600 });
  const page = await h.newPage();
  await h.goto(page, h.appUrl);
  await h.signInWithTasks(page);
  const before = await accessToken(page);
  await page.getByLabel('New task').fill('Unsaved while renewing');
  await blockPopups(page);
  await page.reload();
  await h.waitTasks(page);

  await page.getByRole('button', { name: 'Stay signed in' }).click();
  await page.waitForURL((u) => u.pathname === AUTH_PATH);
  await h.decide(page);
  await h.waitTasks(page);

  assert.equal(await page.getByRole('button', { name: 'Tasks', exact: true }).getAttribute('aria-current'), 'page', 'back on the Tasks view');
  assert.equal(await page.getByLabel('New task').inputValue(), 'Unsaved while renewing', 'the typed title is restored');
  const after = await accessToken(page);
  assert.ok(after && after !== before, 'with a new token');
});
