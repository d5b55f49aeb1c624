// examples/sign-in/: another Yew app built on the sign-in library (README → Use it in your own
// Yew app), driven through real redirects and a popup against the emulator, with the harness's
// invariants (no token in a URL, a log line or localStorage; requests only to configured origins).
// Needs its build (cargo xtask test makes it in target/dist-example; override with
// APP_DIST_EXAMPLE). Without it these tests are skipped, saying so.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useHarness, ADA, DIST_EXAMPLE, approveInPopup, clickForPopup, waitFor } from './harness.mjs';

const built = fs.existsSync(path.join(DIST_EXAMPLE, 'index.html'));
// `cargo xtask test` sets APP_DIST_EXAMPLE and always builds it: there a missing build is a failure.
if (!built && process.env.APP_DIST_EXAMPLE) throw new Error(`no example build at ${DIST_EXAMPLE}`);
const skip = built ? false : `no example build at ${DIST_EXAMPLE} (trunk build in examples/sign-in)`;
const h = useHarness({ dist: DIST_EXAMPLE });

const TASKS_READONLY = 'https://www.googleapis.com/auth/tasks.readonly';

h.test('the example signs in by redirect, is refused the Tasks API without its scope, and after asking for it lists the task lists', async () => {
  const page = await h.openApp();
  await page.getByRole('heading', { name: 'Your task lists' }).waitFor();
  const authUrl = new URL(await h.startSignIn(page));
  assert.equal(authUrl.searchParams.get('redirect_uri'), `${h.appOrigin}/`);
  await h.decide(page);
  await page.getByText(`Signed in as ${ADA.email}`).waitFor();
  // The answer left the address bar before anything rendered.
  assert.equal(page.url(), `${h.appOrigin}/`);

  await page.getByRole('button', { name: 'Show my task lists' }).click();
  await page.getByRole('alert').filter({ hasText: /scope|permission|access/i }).waitFor();

  await page.getByRole('button', { name: 'Allow reading my tasks' }).click();
  await page.waitForURL((u) => u.origin === h.emu.origin);
  const asked = new URL(page.url()).searchParams.get('scope').split(' ');
  assert.ok(asked.includes(TASKS_READONLY), `the request asks for Tasks: ${asked}`);
  await h.decide(page);
  await page.getByText(`Signed in as ${ADA.email}`).waitFor();
  await page.getByRole('button', { name: 'Show my task lists' }).click();
  await page.getByRole('listitem').filter({ hasText: 'My Tasks' }).waitFor();
  const calls = (await h.emu.log()).filter((e) => e.method === 'GET' && e.path === '/tasks/v1/users/@me/lists');
  assert.deepEqual(calls.map((e) => e.status), [403, 200], 'one refused call, one answered');
  assert.match(calls[1].headers.authorization, /^Bearer ya29\./, 'the token in the header, nowhere else');
}, { skip });

h.test('the example with popups: the popup relays the answer and closes, rendering nothing of its own', async () => {
  h.setConfig({ ...h.defaultConfig(), display: 'popup' });
  const page = await h.openApp();
  const popup = await clickForPopup(page, page.getByRole('button', { name: 'Sign in' }));
  await approveInPopup(popup);
  await waitFor(() => popup.isClosed(), { message: 'the popup closed itself' });
  await page.getByText(`Signed in as ${ADA.email}`).waitFor();
}, { skip });

h.test('the example with a forged answer in the URL is not signed in, and says why', async () => {
  const forged = 'ya29.forged-for-the-example';
  h.extraTokens.add(forged);
  const page = await h.openApp(`#access_token=${forged}&token_type=Bearer&expires_in=3599&state=not-ours`);
  await page.getByRole('alert').waitFor();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  assert.equal(page.url(), `${h.appOrigin}/`);
  assert.equal(await page.getByText('Signed in as').count(), 0);
}, { skip });

h.test('the example without config.json says so in words', async () => {
  h.setConfig(null);
  const page = await h.openApp();
  await page.getByRole('alert').filter({ hasText: 'config.json cannot be used' }).waitFor();
}, { skip });
