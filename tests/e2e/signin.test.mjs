// Sign-in through the emulator's consent page: the happy paths and a denial.
import assert from 'node:assert/strict';
import { useHarness, ADA, GRACE, SESSION_KEY, PENDING_KEY, containsAny, asText } from './harness.mjs';

const h = useHarness();

/** Is `word` one of the whitespace/punctuation separated words of `text` (not part of a URL)? */
function hasScopeWord(text, word) {
  return new RegExp(`(^|[\\s,;:(])${word}($|[\\s,;:)])`).test(text.trim());
}

h.test('signing in as Ada shows her profile, granted scopes and time left, and leaves no token in the URL, history or localStorage', async () => {
  const page = await h.openApp();
  await h.signIn(page, { account: ADA.email });

  const tokens = await h.tokens();
  assert.equal(tokens.length, 1, 'the emulator issued exactly one token');
  const token = tokens[0].token;

  // Profile
  await assert.doesNotReject(page.getByTestId('profile-name').waitFor());
  assert.equal((await page.getByTestId('profile-name').textContent()).trim(), ADA.name);
  assert.equal((await page.getByTestId('profile-email').textContent()).trim(), ADA.email);
  const img = page.getByTestId('profile').locator('img[data-testid="profile-picture"]');
  assert.equal(await img.getAttribute('alt'), `Profile picture of ${ADA.name}`);
  const userinfo = await (await fetch(`${h.emulatorOrigin}/oauth2/v3/userinfo`, {
    headers: { Authorization: `Bearer ${token}` },
  })).json();
  assert.ok(userinfo.picture, 'the emulator userinfo has a picture');
  assert.equal(await img.getAttribute('src'), userinfo.picture, 'picture src is the userinfo picture');

  // Granted scopes: one <li> per scope the emulator granted, including openid, email and profile.
  const items = (await page.locator('ul[data-testid="granted-scopes"] > li').allTextContents()).map((s) => s.trim());
  for (const s of ['openid', 'email', 'profile']) {
    assert.ok(items.some((t) => hasScopeWord(t, s)), `granted scopes list ${s}: ${JSON.stringify(items)}`);
  }
  assert.equal(items.length, tokens[0].scopes.length, `one <li> per granted scope ${JSON.stringify(tokens[0].scopes)}: ${JSON.stringify(items)}`);
  for (const s of tokens[0].scopes) {
    assert.ok(items.some((t) => t.includes(s)), `granted scope ${s} is listed: ${JSON.stringify(items)}`);
  }

  // Time left
  const secs = Number(await page.getByTestId('time-left').getAttribute('data-seconds'));
  assert.ok(Number.isInteger(secs) && secs >= 3500 && secs <= 3600, `time left ${secs} in [3500, 3600]`);

  // URL: no fragment, no query
  const href = await page.evaluate(() => location.href);
  assert.equal(href, h.appUrl, 'the address bar shows the bare app URL');
  assert.equal(page.url(), h.appUrl);

  // History reachable with back/forward never contains the token
  const history = await h.historyUrls(page);
  for (const u of history) {
    assert.equal(containsAny(u, [token]), null, `history entry contains the token: ${u}`);
    assert.ok(!/access_token=/.test(u), `history entry carries an access_token parameter: ${u}`);
  }

  // Storage
  const ss = await h.sessionStorage(page);
  assert.equal(ss[PENDING_KEY], undefined, 'pending authorization is removed');
  assert.ok(ss[SESSION_KEY], 'the session is kept in sessionStorage (token_storage "session")');
  assert.equal(JSON.parse(ss[SESSION_KEY]).access_token, token);
  const ls = await h.localStorage(page);
  assert.equal(containsAny(JSON.stringify(ls), [token]), null, `localStorage holds the token: ${JSON.stringify(ls)}`);

  // No alert on a successful sign-in
  assert.equal(await page.locator('[role="alert"]').filter({ hasText: /\S/ }).count(), 0, 'no alert is shown');
});

h.test('choosing Grace Hopper on the consent page shows Grace\'s profile', async () => {
  const page = await h.openApp();
  await h.signIn(page, { account: GRACE.email });
  assert.equal((await page.getByTestId('profile-name').textContent()).trim(), GRACE.name);
  assert.equal((await page.getByTestId('profile-email').textContent()).trim(), GRACE.email);
  assert.equal(await page.getByTestId('profile-picture').getAttribute('alt'), `Profile picture of ${GRACE.name}`);
  const [tok] = await h.tokens();
  assert.equal(tok.sub, GRACE.sub, 'the emulator issued the token for Grace');
});

h.test('cancelling consent shows an access_denied alert and stays signed out with nothing stored', async () => {
  const page = await h.openApp();
  await h.startSignIn(page);
  const callback = await h.decide(page, { account: ADA.email, cancel: true });
  assert.match(callback, /#(.*&)?error=access_denied/, 'the emulator redirected with error=access_denied');

  await h.expectAlert(page, 'access_denied');
  await h.waitSignedOut(page);
  assert.equal(await h.profile(page).count(), 0, 'no profile is shown');
  const ss = await h.sessionStorage(page);
  assert.equal(ss[SESSION_KEY], undefined, 'no session stored');
  assert.equal(new URL(page.url()).hash, '', 'the fragment is removed');
  assert.deepEqual(await h.tokens(), [], 'no token was issued');
});

h.test('the access token travels only to tokeninfo (query or form body) and in the userinfo Authorization header, never with cookies', async () => {
  const page = await h.openApp();
  await h.signIn(page);
  const [{ token }] = await h.tokens();
  const log = await h.log();

  const tokeninfo = log.filter((e) => e.path === '/tokeninfo' && e.method !== 'OPTIONS');
  assert.ok(tokeninfo.length >= 1, 'the app asked tokeninfo about the token');
  for (const e of tokeninfo) {
    const inQuery = new URLSearchParams(asText(e.query)).get('access_token') === token;
    const inBody = e.method === 'POST' && new URLSearchParams(asText(e.body)).get('access_token') === token;
    assert.ok(inQuery || inBody, `tokeninfo got the token as access_token in its query or form body: ${e.method} ?${e.query} ${e.body}`);
  }

  const userinfo = log.filter((e) => e.path === '/oauth2/v3/userinfo' && e.method !== 'OPTIONS');
  assert.ok(userinfo.length >= 1, 'the app fetched userinfo');
  for (const e of userinfo) {
    assert.equal(e.headers.authorization, `Bearer ${token}`, 'userinfo uses a Bearer Authorization header');
    assert.equal(containsAny(asText(e.query), [token]), null, 'userinfo query has no token');
  }

  for (const e of log.filter((x) => x.path === '/tokeninfo' || x.path === '/oauth2/v3/userinfo')) {
    assert.equal(e.headers.cookie, undefined, `${e.method} ${e.path} was sent without cookies`);
  }
});
