// `cargo xtask screenshots`: a headless-Chromium screenshot of each screen, into docs/screenshots/.
// Not a test: it drives the same harness through each state and saves what a person would see.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Harness } from './harness.mjs';

const OUT = path.resolve(process.cwd(), 'docs/screenshots');
await fsp.mkdir(OUT, { recursive: true });

const h = new Harness();
await h.start();
const shots = [];
async function shot(page, name, { fullPage = true } = {}) {
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  shots.push(file);
}

try {
  await h.beforeEachTest({ name: 'screenshots' });
  const page = await h.openApp();
  await page.setViewportSize({ width: 1000, height: 720 });
  await h.waitSignedOut(page);
  await shot(page, 'signed-out');

  await h.startSignIn(page);
  await shot(page, 'emulator-consent');
  await h.decide(page);
  await h.waitSignedIn(page);
  await shot(page, 'signed-in', { fullPage: false });

  await page.getByTestId('inspector').screenshot({ path: path.join(OUT, 'inspector.png') });
  shots.push(path.join(OUT, 'inspector.png'));

  await page.setViewportSize({ width: 390, height: 800 });
  await shot(page, 'signed-in-phone', { fullPage: false });
  await page.getByTestId('sequence-diagram').scrollIntoViewIfNeeded();
  await shot(page, 'inspector-phone', { fullPage: false });
  await page.setViewportSize({ width: 1000, height: 720 });

  await h.signOutButton(page).click();
  await page.getByRole('status').waitFor();
  await shot(page, 'signed-out-revoked');

  await h.startSignIn(page);
  await h.decide(page, { cancel: true });
  await h.alert(page);
  await shot(page, 'consent-denied');

  await h.knobs({ issue_to_client: 'other-app.apps.googleusercontent.com' });
  await h.startSignIn(page);
  await h.decide(page);
  await h.alert(page);
  await shot(page, 'token-for-another-app');
  await h.knobs({ issue_to_client: null });

  h.setConfig({ flow: 'bogus', scopes: 'x', authorization_endpoint: 'not a url' });
  const setup = await h.openApp();
  await setup.setViewportSize({ width: 1000, height: 720 });
  await setup.getByTestId('setup').waitFor();
  await shot(setup, 'setup');
} finally {
  await h.stop();
}
for (const file of shots) console.log(`saved ${path.relative(process.cwd(), file)}`);
