// The inspector as a playground (issue 25): a request the person composes goes with the token
// through the one request function and shows its raw answer; what the page's CSP or the token
// cannot do is said before sending; every recorded exchange copies as a curl command that runs
// in a shell against the emulator with the same answer; the ID token is taken apart.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { useHarness, emulatorConfig, ADA, CLIENT_ID, TASKS_READONLY, waitFor } from './harness.mjs';

const h = useHarness();
const run = promisify(execFile);

const playground = (page) => page.getByTestId('playground');
const entry = (page, title) => page.getByTestId('timeline-entry').filter({ has: page.getByRole('heading', { name: title }) });

/** A signed-in page whose context may use the clipboard; returns it with the session's token. */
async function signedIn(options = {}) {
  const page = await h.newPage({ permissions: ['clipboard-read', 'clipboard-write'], ...options });
  await h.goto(page, h.appUrl);
  await h.signIn(page);
  await playground(page).waitFor();
  const tokens = await h.tokens();
  return { page, token: tokens.at(-1).token };
}

async function preset(page, label) {
  await playground(page).getByRole('group', { name: 'Start from a preset' }).getByRole('button', { name: label }).click();
}

async function send(page) {
  await playground(page).getByRole('button', { name: 'Send' }).click();
}

/** The answer's status line and body as shown. */
async function answer(page) {
  const shown = page.getByTestId('playground-answer');
  await shown.waitFor();
  return {
    status: (await shown.getByTestId('playground-status').textContent()).trim(),
    body: await shown.getByTestId('playground-body').textContent().catch(() => ''),
  };
}

/** Runs a copied curl command in a POSIX shell, as a person would paste it; its body and status. */
async function runCurl(command, env = {}) {
  const { stdout } = await run('sh', ['-c', `${command} --silent --show-error --write-out '\\n%{http_code}'`], {
    env: { PATH: process.env.PATH, ...env },
  });
  const at = stdout.lastIndexOf('\n');
  return { body: stdout.slice(0, at), status: Number(stdout.slice(at + 1)) };
}

h.test('a request the person composes reaches the emulator with the bearer and shows its raw answer', async () => {
  const { page, token } = await signedIn();
  await preset(page, 'User info');
  assert.equal(await page.getByLabel('URL').inputValue(), `${h.emulatorOrigin}/oauth2/v3/userinfo`);
  assert.equal(await page.getByLabel('Method').inputValue(), 'GET');
  await page.getByLabel('Headers').fill('Accept: application/json\nAccept-Language: fr');
  const before = (await h.log()).filter((e) => e.path === '/oauth2/v3/userinfo').length;
  await send(page);
  const shown = await answer(page);
  assert.equal(shown.status, '200 OK');
  assert.equal(JSON.parse(shown.body).email, ADA.email);
  assert.match(shown.body, /\n {2}"email": "ada@example\.test"/, 'the JSON body is indented');
  assert.match(await page.getByTestId('playground-answer').textContent(), /content-type: application\/json/i, 'with the headers the browser exposes');

  const calls = (await h.log()).filter((e) => e.path === '/oauth2/v3/userinfo');
  assert.equal(calls.length, before + 1, 'one request, not retried');
  const sent = calls.at(-1);
  assert.equal(sent.headers.authorization, `Bearer ${token}`, 'the app added the bearer');
  assert.equal(sent.headers['accept-language'], 'fr', 'the headers the person typed went along');

  // Recorded on the timeline like every other call, its token hidden there as everywhere.
  const step = page.getByTestId('playground-answer').getByRole('link', { name: /recorded as step \d+/ });
  const target = await step.getAttribute('href');
  const recorded = page.locator(target);
  assert.match(await recorded.textContent(), /Accept-Language: fr/);
  assert.match(await recorded.textContent(), /Authorization: Bearer \[access token ya29… hidden/);
  assert.ok(!(await page.content()).includes(token), 'no unredacted token anywhere in the page');
  await page.getByTestId('inspector-announcer').filter({ hasText: /Answer: 200 OK, JSON/ }).waitFor();
});

h.test('a token the endpoint wants in the body goes there as ${ACCESS_TOKEN}, form-encoded, never in a URL', async () => {
  const { page, token } = await signedIn();
  await preset(page, 'Token info');
  assert.equal(await page.getByLabel('Body').inputValue(), 'access_token=${ACCESS_TOKEN}');
  await send(page);
  const shown = await answer(page);
  assert.equal(shown.status, '200 OK');
  assert.equal(JSON.parse(shown.body).aud, CLIENT_ID);
  const sent = (await h.log()).filter((e) => e.path === '/tokeninfo').at(-1);
  assert.equal(sent.method, 'POST');
  assert.equal(sent.body, `access_token=${token}`, 'the app filled the token in');
  assert.equal(sent.headers.authorization, undefined, 'and sent it no other way (RFC 6750 §2)');
  assert.equal(sent.query, '', 'nothing in the query string');

  // Typed into the URL instead, it is refused before anything is sent.
  await page.getByLabel('URL').fill(`${h.emulatorOrigin}/tokeninfo?access_token=\${ACCESS_TOKEN}`);
  const count = (await h.log()).length;
  await send(page);
  const refused = page.getByTestId('playground-refused');
  assert.match(await refused.textContent(), /token_in_url/);
  assert.equal((await h.log()).length, count, 'nothing reached the emulator');
});

h.test('a URL the page\'s CSP does not allow is refused before sending, naming connect-src and cargo xtask csp', async () => {
  const { page } = await signedIn();
  const requests = h.pageRequests.length;
  await page.getByLabel('URL').fill('https://example.com/v1/things');
  await send(page);
  const refused = page.getByTestId('playground-refused');
  await refused.waitFor();
  assert.equal(await refused.getAttribute('role'), 'alert');
  const text = await refused.textContent();
  assert.match(text, /connect-src/);
  assert.match(text, /cargo xtask csp/);
  assert.match(text, /https:\/\/example\.com/);
  assert.match(text, /csp_blocks_request/);
  assert.deepEqual(h.pageRequests.slice(requests).map((r) => r.url).filter((u) => u.includes('example.com')), [], 'the browser was never asked');
  // The harness fails the test on any CSP violation: none happened, since nothing was fetched.

  // The page's own origin is allowed by the CSP ('self'), but the token is not for it.
  const served = h.app.requests.length;
  await page.getByLabel('URL').fill(`${h.appUrl}config.json`);
  await send(page);
  const failed = page.getByTestId('playground-failed');
  await failed.waitFor();
  assert.match(await failed.textContent(), /not_sent/);
  assert.match(await failed.textContent(), /goes only to the provider and API origins config\.json names/);
  assert.equal(h.app.requests.length, served, 'the static host never saw the token');
});

h.test('a scope the token lacks is named before sending, the API\'s own refusal can be seen, and the scope asked for from there', async () => {
  const { page } = await signedIn();
  await preset(page, 'Tasks: my task lists');
  await send(page);
  const offer = page.getByTestId('playground-scope');
  await offer.waitFor();
  assert.match(await offer.textContent(), new RegExp(TASKS_READONLY.replace(/[./]/g, '\\$&')));
  const calls = (await h.tasksCalls()).length;
  assert.equal(calls, 0, 'nothing sent yet');

  await offer.getByRole('button', { name: 'Send anyway' }).click();
  const shown = await answer(page);
  assert.equal(shown.status, '403 Forbidden');
  assert.match(shown.body, /insufficientPermissions/);
  const after = page.getByTestId('playground-scope');
  await after.waitFor();
  const ask = after.getByRole('button', { name: /^Ask for / });
  const asked = (await ask.textContent()).replace('Ask for ', '');

  // Incremental authorization, as the views do it; what was typed survives the redirect.
  await h.grantFromView(page, `Ask for ${asked}`, { scope: asked });
  await h.waitSignedIn(page);
  await playground(page).waitFor();
  assert.equal(await page.getByLabel('URL').inputValue(), `${h.emulatorOrigin}/tasks/v1/users/@me/lists`);
  await send(page);
  const granted = await answer(page);
  assert.equal(granted.status, '200 OK');
  assert.ok(JSON.parse(granted.body).items.length >= 1, 'the task lists');
});

h.test('Copy as curl gives a command that runs in a shell against the emulator with the same answer, the token a variable until revealed', async () => {
  const { page, token } = await signedIn();
  await preset(page, 'User info');
  await send(page);
  const shown = await answer(page);
  const target = await page.getByTestId('playground-answer').getByRole('link', { name: /recorded as step/ }).getAttribute('href');
  const recorded = page.locator(target);

  await recorded.getByRole('button', { name: 'Copy as curl' }).click();
  const command = recorded.getByTestId('curl').locator('pre');
  const hidden = await command.textContent();
  await waitFor(async () => (await page.evaluate(() => navigator.clipboard.readText())) === hidden, { message: 'the command on the clipboard' });
  assert.ok(!hidden.includes(token), 'the token is not in the copied text');
  assert.match(hidden, /"\$\{ACCESS_TOKEN\}"/);
  assert.match(await recorded.getByTestId('curl').textContent(), /set ACCESS_TOKEN \(the access token\)/);
  assert.equal(await recorded.getByTestId('curl-live-warning').count(), 0);
  await page.getByTestId('inspector-announcer').filter({ hasText: 'Copied the curl command for GET' }).waitFor();

  const withVariable = await runCurl(hidden, { ACCESS_TOKEN: token });
  assert.equal(withVariable.status, 200);
  assert.deepEqual(JSON.parse(withVariable.body), JSON.parse(shown.body), 'the same answer as the page got');
  const unset = await runCurl(hidden);
  assert.equal(unset.status, 401, 'without the variable, no token: refused');

  await recorded.getByRole('button', { name: 'Reveal secrets' }).click();
  await recorded.getByRole('button', { name: 'Copy as curl' }).click();
  const warning = recorded.getByTestId('curl-live-warning');
  await warning.waitFor();
  assert.match(await warning.textContent(), /live access token/);
  const revealed = await command.textContent();
  assert.ok(revealed.includes(token), 'revealed, the token is written out');
  await waitFor(async () => (await page.evaluate(() => navigator.clipboard.readText())) === revealed, { message: 'the revealed command on the clipboard' });
  const direct = await runCurl(revealed);
  assert.equal(direct.status, 200);
  assert.deepEqual(JSON.parse(direct.body), JSON.parse(shown.body));
  await recorded.getByRole('button', { name: 'Hide secrets' }).click();
  assert.ok(!(await page.content()).includes(token), 'hidden again, the command too');
});

h.test('a recorded form POST copies as curl with its body quoted and the token a variable, and runs', async () => {
  const { page, token } = await signedIn();
  // The sign-in's own token info request: POST, form body with the token.
  const tokeninfo = page.getByTestId('timeline-entry').filter({ hasText: `POST ${h.emulatorOrigin}/tokeninfo` }).first();
  await tokeninfo.getByRole('button', { name: 'Copy as curl' }).click();
  const text = await tokeninfo.getByTestId('curl').locator('pre').textContent();
  assert.ok(text.includes('--data-raw access_token="${ACCESS_TOKEN}"'), text);
  assert.match(text, /-H 'Content-Type: application\/x-www-form-urlencoded'/);
  const result = await runCurl(text, { ACCESS_TOKEN: token });
  assert.equal(result.status, 200);
  const shownBody = JSON.parse(await tokeninfo.locator('.http pre').last().textContent());
  const ranBody = JSON.parse(result.body);
  for (const field of ['aud', 'azp', 'sub', 'scope', 'email']) {
    assert.equal(ranBody[field], shownBody[field], field);
  }
});

h.test('by keyboard: the controls are labelled, Enter sends, and the answer is announced', async () => {
  const { page } = await signedIn();
  for (const label of ['Method', 'URL', 'Headers', 'Body']) {
    assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, `${label} is labelled`);
  }
  await page.getByLabel('URL').focus();
  await page.keyboard.type(`${h.emulatorOrigin}/oauth2/v3/userinfo`);
  await page.keyboard.press('Enter');
  assert.equal((await answer(page)).status, '200 OK');
  const region = page.getByTestId('inspector-announcer');
  assert.equal(await region.getAttribute('role'), 'status');
  await region.filter({ hasText: 'Answer: 200 OK, JSON' }).waitFor();
  // The same request again is said again: sending, then the answer, each once.
  await page.evaluate(() => {
    const region = document.querySelector('[data-testid="inspector-announcer"]');
    window.__said = [];
    new MutationObserver(() => window.__said.push(region.textContent.trim()))
      .observe(region, { subtree: true, childList: true, characterData: true });
  });
  await page.keyboard.press('Enter');
  const said = () => page.evaluate(() => window.__said);
  await waitFor(async () => (await said()).some((t) => /^Answer: 200 OK/.test(t)), { message: 'the second answer announced' });
  const spoken = (await said()).filter((t, i, all) => t !== all[i - 1]);
  assert.deepEqual(spoken.map((t) => t.split(' ')[0]), ['Sending', 'Answer:'], `said once each: ${JSON.stringify(spoken)}`);
});

h.test('the ID token is taken apart: every claim, its meaning and its check, at_hash computed beside the one received', async () => {
  const config = emulatorConfig(h.emulatorOrigin);
  delete config.flow; // token id_token, the default with openid
  h.setConfig(config);
  const { page } = await signedIn();
  const check = entry(page, 'The ID token is genuine and meant for this app');
  await check.waitFor();
  assert.equal(await check.getByLabel('passed').count() >= 1, true);
  const report = check.getByTestId('id-token');
  for (const claim of ['iss', 'sub', 'aud', 'azp', 'exp', 'iat', 'nonce', 'at_hash', 'email']) {
    assert.equal(await report.locator(`dd[data-claim="${claim}"]`).count(), 1, `${claim} is shown`);
  }
  for (const c of ['alg', 'signature', 'iss', 'aud', 'azp', 'exp', 'iat', 'nonce', 'at_hash']) {
    assert.equal(await report.locator(`[data-check="${c}"][data-outcome="passed"]`).count(), 1, `${c} passed`);
  }
  assert.match(await report.locator('[data-check="signature"]').textContent(), /Verified with the key "[^"]+" of http:\/\/127\.0\.0\.1:\d+\/oauth2\/v3\/certs/);
  const received = (await report.locator('dd[data-claim="at_hash"] > code.value').textContent()).replace(/"/g, '');
  assert.ok((await report.locator('[data-check="at_hash"]').textContent()).includes(received), 'the at_hash computed here is the one received');
  assert.match(await report.locator('dd[data-claim="exp"]').textContent(), /GMT/, 'times in words');
  assert.match(await report.locator('dd[data-claim="nonce"]').textContent(), /\[nonce .+… hidden/, 'the nonce stays hidden until revealed');
});

h.test('an ID token with a forged at_hash shows that check failed, with the hash computed here beside the one received', async () => {
  const config = emulatorConfig(h.emulatorOrigin);
  delete config.flow;
  h.setConfig(config);
  await h.knobs({ id_token_forgery: 'wrong_at_hash' });
  const page = await h.openApp();
  await h.startSignIn(page);
  await h.decide(page);
  await h.expectAlert(page, 'at_hash_mismatch');
  const check = entry(page, 'The ID token is genuine and meant for this app');
  await check.waitFor();
  assert.equal(await check.locator('.entry-head').getByLabel('failed').count(), 1, 'the check failed');
  const report = check.getByTestId('id-token');
  const atHash = report.locator('[data-check="at_hash"]');
  assert.equal(await atHash.getAttribute('data-outcome'), 'failed');
  const received = (await report.locator('dd[data-claim="at_hash"] > code.value').textContent()).replace(/"/g, '');
  const computed = /base64url\): ([A-Za-z0-9_-]{22})\./.exec(await atHash.textContent())?.[1];
  assert.ok(computed, `the computed at_hash is shown: ${await atHash.textContent()}`);
  assert.notEqual(computed, received, 'computed beside the one received, and they differ');
  assert.match(await atHash.textContent(), /does not match the access token/);
  for (const c of ['signature', 'iss', 'aud', 'exp', 'nonce']) {
    assert.equal(await report.locator(`[data-check="${c}"]`).getAttribute('data-outcome'), 'passed', `${c} still passed`);
  }
});
