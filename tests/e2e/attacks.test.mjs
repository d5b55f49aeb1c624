// Forged, replayed, mis-addressed and hostile authorization responses.
import assert from 'node:assert/strict';
import { useHarness, ADA, OTHER_CLIENT_ID, SESSION_KEY, PENDING_KEY, asText, containsAny } from './harness.mjs';

const h = useHarness();

const FORGED = 'ya29.forged-by-the-e2e-tests';

/** Start a sign-in so that a pending authorization exists; returns the state the app sent. */
async function pendingSignIn(page) {
  const authUrl = await h.startSignIn(page);
  const state = new URL(authUrl).searchParams.get('state');
  assert.ok(state, 'the authorization request carries a state');
  return state;
}

/** Emulator log entries in which this token was sent to tokeninfo or userinfo (query, body or header). */
async function tokenSentToGoogle(token) {
  const log = await h.log();
  return log
    .filter((e) => e.path === '/tokeninfo' || e.path === '/oauth2/v3/userinfo')
    .filter((e) => containsAny(asText(e.query), [token]) || containsAny(asText(e.body), [token]) ||
      containsAny(asText(e.headers?.authorization), [token]))
    .map((e) => `${e.method} ${e.path}`);
}

/**
 * Before checking that the app did NOT send a token: the app decides on a response before it
 * shows the outcome (an alert, the signed-in page), and would use a token only on the way
 * there, so whatever it sent is issued by the time the test sees the outcome; waiting for those
 * requests to be answered puts each in the emulator's log. (A request issued later still would
 * escape; no code path sends one after the outcome is shown.)
 */
async function waitForQuiet() {
  await h.settled();
}

async function expectNoSession(page) {
  const ss = await h.sessionStorage(page);
  assert.equal(ss[SESSION_KEY], undefined, `no session stored: ${JSON.stringify(ss)}`);
  assert.equal(await h.profile(page).count(), 0, 'no profile shown');
}

h.test('a response whose state differs from the pending one is rejected with state_mismatch and its token is never used', async () => {
  h.extraTokens.add(FORGED);
  const page = await h.openApp();
  await pendingSignIn(page);
  await h.goto(page, `${h.appUrl}#access_token=${FORGED}&token_type=Bearer&expires_in=3599&scope=openid&state=not-the-state`);

  await h.expectAlert(page, 'state_mismatch');
  await expectNoSession(page);
  assert.deepEqual(await tokenSentToGoogle(FORGED), [], 'the forged token was never sent to tokeninfo/userinfo');
  assert.equal(new URL(page.url()).hash, '', 'the fragment is removed');
});

h.test('a token response arriving when no sign-in was started in this tab is rejected with no_pending_authorization', async () => {
  h.extraTokens.add(FORGED);
  const page = await h.openApp(`#access_token=${FORGED}&token_type=Bearer&expires_in=3599&scope=openid&state=not-the-state`);

  await h.expectAlert(page, 'no_pending_authorization');
  await h.waitSignedOut(page);
  await expectNoSession(page);
  assert.deepEqual(await tokenSentToGoogle(FORGED), [], 'the forged token was never sent to tokeninfo/userinfo');
  assert.equal(new URL(page.url()).hash, '', 'the fragment is removed');
});

h.test('replaying a captured callback URL after sign-out is rejected with no_pending_authorization', async () => {
  const page = await h.openApp();
  const callback = await h.signIn(page);
  assert.match(callback, /#(.*&)?access_token=/, 'captured the callback URL with the token');

  await h.signOutButton(page).click();
  await h.waitSignedOut(page);

  await h.goto(page, callback);
  await h.expectAlert(page, 'no_pending_authorization');
  await h.waitSignedOut(page);
  await expectNoSession(page);
  assert.equal(new URL(page.url()).hash, '', 'the fragment is removed');
  const [{ token }] = await h.tokens();
  const sentDuringSignIn = (await tokenSentToGoogle(token)).length;
  assert.ok(sentDuringSignIn >= 2, 'the genuine sign-in sent the token to tokeninfo and userinfo (the log check sees it)');
  await waitForQuiet();
  assert.equal((await tokenSentToGoogle(token)).length, sentDuringSignIn, 'the replayed token was not sent to Google again');
});

h.test('reloading after sign-in does not process the response again', async () => {
  const page = await h.openApp();
  await h.signIn(page);
  assert.equal(new URL(page.url()).hash, '', 'the URL has no fragment after sign-in');

  await page.reload();
  await h.waitSignedIn(page);
  assert.equal(new URL(page.url()).hash, '', 'the URL still has no fragment');
  assert.equal(await page.locator('[role="alert"]').filter({ has: page.locator('code') }).count(), 0,
    'no error alert after the reload');
  const ss = await h.sessionStorage(page);
  assert.equal(ss[PENDING_KEY], undefined, 'no pending authorization');
});

h.test('a token issued to another client is rejected with audience_mismatch; the user info fetched beside token info is discarded unread', async () => {
  await h.knobs({ issue_to_client: OTHER_CLIENT_ID });
  const page = await h.openApp();
  await h.startSignIn(page);
  await h.decide(page);

  await h.expectAlert(page, 'audience_mismatch');
  await h.waitSignedOut(page);
  await expectNoSession(page);
  const [tok] = await h.tokens();
  assert.equal(tok?.aud, OTHER_CLIENT_ID, 'the emulator issued the token to the other client');
  // User info goes out beside token info (one round trip, to the provider that issued the token),
  // but its answer is held unread: nothing of it is shown or put on the record.
  const timeline = page.getByTestId('timeline');
  await timeline.waitFor();
  const record = await timeline.innerText();
  assert.match(record, /Token was issued to this app/, 'the failed audience check is on the record');
  assert.ok(!record.includes('/oauth2/v3/userinfo'), 'the user info exchange is not on the record');
  assert.ok(!(await page.locator('body').innerText()).includes(ADA.name), 'nothing of user info is shown');
});

h.test('a hostile error_description is shown as literal text, never as markup', async () => {
  const page = await h.openApp();
  const state = await pendingSignIn(page);
  const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';
  await h.goto(page, `${h.appUrl}#error=access_denied&error_description=${encodeURIComponent(hostile)}&state=${encodeURIComponent(state)}`);

  const { locator, text } = await h.expectAlert(page, 'access_denied');
  assert.ok(text.includes(hostile), `the alert shows the description literally: ${JSON.stringify(text)}`);
  assert.equal(await locator.locator('img, script').count(), 0, 'no img/script element inside the alert');
  const injected = await page.evaluate(() => ({
    imgs: document.querySelectorAll('img[src="x"]').length,
    scripts: [...document.scripts].filter((s) => s.textContent.includes('__pwned')).length,
  }));
  assert.deepEqual(injected, { imgs: 0, scripts: 0 }, 'no injected element anywhere in the document');
  // Give a would-be injected image the chance to fail loading and fire onerror.
  await page.waitForLoadState('networkidle');
  assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined', 'window.__pwned is undefined');
});

h.test('a response with the access_token parameter twice is rejected with duplicate_parameter', async () => {
  h.extraTokens.add(FORGED);
  const page = await h.openApp();
  const state = await pendingSignIn(page);
  await h.goto(page, `${h.appUrl}#access_token=${FORGED}&access_token=${FORGED}2&token_type=Bearer&expires_in=3599&scope=openid&state=${encodeURIComponent(state)}`);
  await h.expectAlert(page, 'duplicate_parameter');
  await expectNoSession(page);
  assert.deepEqual(await tokenSentToGoogle(FORGED), [], 'the token was never sent to tokeninfo/userinfo');
});

h.test('a token response without token_type is rejected with missing_parameter', async () => {
  h.extraTokens.add(FORGED);
  const page = await h.openApp();
  const state = await pendingSignIn(page);
  await h.goto(page, `${h.appUrl}#access_token=${FORGED}&expires_in=3599&scope=openid&state=${encodeURIComponent(state)}`);
  await h.expectAlert(page, 'missing_parameter');
  await expectNoSession(page);
  assert.deepEqual(await tokenSentToGoogle(FORGED), [], 'the token was never sent to tokeninfo/userinfo');
});

h.test('a token response with a token_type other than Bearer is rejected with unsupported_token_type', async () => {
  h.extraTokens.add(FORGED);
  const page = await h.openApp();
  const state = await pendingSignIn(page);
  await h.goto(page, `${h.appUrl}#access_token=${FORGED}&token_type=mac&expires_in=3599&scope=openid&state=${encodeURIComponent(state)}`);
  await h.expectAlert(page, 'unsupported_token_type');
  await expectNoSession(page);
  assert.deepEqual(await tokenSentToGoogle(FORGED), [], 'the token was never sent to tokeninfo/userinfo');
});

h.test('back to the consent page and Allow again is a replay: rejected with no_pending_authorization, and the session is kept', async () => {
  const page = await h.openApp();
  await h.signIn(page);
  const [{ token: first }] = await h.tokens();

  await page.goBack();
  await page.waitForURL((u) => u.origin === h.emulatorOrigin);
  // The consent page reloads with the old request (old state); approving it again answers a
  // request this tab no longer has pending.
  await h.decide(page);

  await h.expectAlert(page, 'no_pending_authorization');
  await h.waitSignedIn(page);
  const stored = await h.storedSession(page);
  assert.equal(stored?.access_token, first, 'the session signed in earlier is kept, not replaced');
  const replayed = (await h.tokens()).map((t) => t.token).filter((t) => t !== first);
  assert.equal(replayed.length, 1, 'the emulator issued a second token to the replayed request');
  await waitForQuiet();
  assert.deepEqual(await tokenSentToGoogle(replayed[0]), [], 'the replayed response\'s token was never used');
  assert.equal(new URL(page.url()).hash, '', 'the fragment is removed');
});

h.test('back and forward after sign-in return to the signed-in page without processing any response again', async () => {
  const page = await h.openApp();
  await h.signIn(page);
  const sentBefore = (await h.log()).filter((e) => e.path === '/tokeninfo').length;

  await page.goBack();
  await page.waitForURL((u) => u.origin === h.emulatorOrigin);
  await page.goForward();
  await page.waitForURL((u) => u.origin === h.appOrigin);
  await h.waitSignedIn(page);

  assert.equal(page.url(), h.appUrl, 'forward lands on the bare app URL');
  assert.equal(await page.locator('[role="alert"]').count(), 0, 'no response was processed, so nothing was rejected');
  await waitForQuiet();
  const sentAfter = (await h.log()).filter((e) => e.path === '/tokeninfo').length;
  assert.equal(sentAfter, sentBefore, 'no second token info check: the session was resumed, not re-created');
});
