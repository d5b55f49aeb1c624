// The app deployed under a sub-path: its redirect URI is that sub-path, and sign-in works there.
// Needs the build made with `trunk build --public-url /some/path/` (cargo xtask test makes it in
// target/dist-subpath; override with APP_DIST_SUBPATH). Without it these tests are skipped, saying so.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useHarness, ADA, DIST_SUBPATH } from './harness.mjs';

const built = fs.existsSync(path.join(DIST_SUBPATH, 'index.html'));
// `cargo xtask test` sets APP_DIST_SUBPATH and always builds it: there a missing build is a failure.
if (!built && process.env.APP_DIST_SUBPATH) throw new Error(`no sub-path build at ${DIST_SUBPATH}`);
const skip = built ? false : `no sub-path build at ${DIST_SUBPATH} (trunk build --public-url /some/path/)`;
const h = useHarness({ basePath: '/some/path/', dist: DIST_SUBPATH });

h.test('under a sub-path the setup screen shows that sub-path URL as the redirect URI', async () => {
  h.setConfig(null);
  const page = await h.openApp();
  await page.getByTestId('setup').waitFor();
  assert.equal((await page.getByTestId('js-origin').textContent()).trim(), h.appOrigin);
  assert.equal((await page.getByTestId('redirect-uri').textContent()).trim(), `${h.appOrigin}/some/path/`);
}, { skip });

h.test('under a sub-path sign-in returns to the sub-path and shows the profile', async () => {
  const page = await h.openApp();
  const authUrl = await h.startSignIn(page);
  assert.equal(new URL(authUrl).searchParams.get('redirect_uri'), `${h.appOrigin}/some/path/`);
  await h.decide(page);
  await h.waitSignedIn(page);
  assert.equal((await page.getByTestId('profile-name').textContent()).trim(), ADA.name);
  assert.equal(await page.evaluate(() => location.href), `${h.appOrigin}/some/path/`);
}, { skip });

h.test('under a sub-path the features module is found through the import map: the inspector and Tasks load', async () => {
  const page = await h.newPage();
  const fetched = [];
  page.on('request', (r) => {
    if (/\/features-[0-9a-f]+/.test(r.url())) fetched.push(new URL(r.url()).pathname);
  });
  await h.goto(page, h.appUrl);
  await h.signIn(page);
  await page.getByTestId('inspector').waitFor();
  await h.openView(page, 'Tasks');
  await page.getByTestId('tasks-access').waitFor();
  assert.ok(fetched.length >= 2 && fetched.every((p) => p.startsWith('/some/path/features-')), `fetched under the sub-path: ${fetched}`);
}, { skip });
