// Usable by everyone: every screen, settled, audited with axe-core (WCAG 2.1 A and AA and best
// practices; tests/e2e/axe.mjs) in the light and the dark colour scheme, each walk in a browser
// context that prefers that scheme. Then what a keyboard or screen-reader user meets on the way:
// the sequence diagram's steps as named links, focus after the redirect back, one live region.
import assert from 'node:assert/strict';
import { useHarness, CLIENT_ID, TASKS, TASKS_READONLY, AUTH_PATH, waitFor, clickForPopup, approveInPopup } from './harness.mjs';
import { violations } from './axe.mjs';

const h = useHarness();

/** The announcer: the app's one polite live region. */
const announcer = (page) => page.getByTestId('announcer');

for (const colorScheme of ['light', 'dark']) {
  const open = async (suffix = '') => {
    const page = await h.newPage({ colorScheme });
    await h.goto(page, h.appUrl + suffix);
    return page;
  };
  const audit = (page, label) => h.audit(page, label, { schemes: null });
  /** The inspector arrives with the features module once the page is idle. */
  const settled = (page) => page.getByTestId('inspector').waitFor();

  h.test(`${colorScheme}: the setup screen with errors, the sign-in screens and every alert of sign-in pass axe`, async () => {
    assert.equal(await (await h.newPage({ colorScheme })).evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), colorScheme === 'dark');
    h.setConfig({ flow: 'bogus', scopes: 'x', authorization_endpoint: 'not a url' });
    const setup = await open();
    await setup.getByTestId('config-errors').waitFor();
    await audit(setup, 'setup with errors');
    h.setConfig(h.defaultConfig());

    const page = await open();
    await h.waitSignedOut(page);
    await settled(page);
    await audit(page, 'signed out');

    await h.startSignIn(page);
    await audit(page, "the emulator's consent page");
    await h.decide(page, { cancel: true });
    await h.expectAlert(page, 'access_denied');
    await settled(page);
    await audit(page, 'consent denied');

    await h.knobs({ issue_to_client: 'other-app.apps.googleusercontent.com' });
    await h.startSignIn(page);
    await h.decide(page);
    await h.alert(page);
    await audit(page, 'a token issued to another app');
    await h.knobs({ issue_to_client: null });

    h.extraTokens.add('ya29.forged-a11y');
    await h.startSignIn(page);
    await h.goto(page, `${h.appUrl}#access_token=ya29.forged-a11y&token_type=Bearer&state=forged`);
    await h.expectAlert(page, 'state_mismatch');
    await settled(page);
    await audit(page, 'a forged answer');
  });

  h.test(`${colorScheme}: signed in, the inspector with a step revealed and followed, a renewal offer, a phone-sized screen and sign-out pass axe`, async () => {
    h.setConfig({ ...h.defaultConfig(), renew_lead_secs: 3600 });
    const page = await open();
    await h.signIn(page);
    await settled(page);
    await page.getByTestId('renewal').waitFor();
    await audit(page, 'signed in, renewal offered');

    const redirect = page.getByTestId('timeline-entry').filter({ hasText: 'URL fragment' }).first();
    await redirect.getByRole('button', { name: 'Reveal secrets' }).click();
    await redirect.getByRole('button', { name: 'Hide secrets' }).waitFor();
    await page.getByTestId('sequence-diagram').getByRole('link', { name: /POST tokeninfo/ }).click();
    await page.waitForFunction(() => location.hash.startsWith('#step-'));
    await audit(page, 'the inspector, a step revealed and one followed from the diagram');

    await page.setViewportSize({ width: 390, height: 800 });
    await audit(page, 'signed in at phone width');
    await page.setViewportSize({ width: 1280, height: 720 });

    await h.signOutButton(page).click();
    await announcer(page).filter({ hasText: 'revoked' }).waitFor();
    await audit(page, 'signed out after revocation');
  });

  h.test(`${colorScheme}: Tasks in each state and Calendar pass axe`, async () => {
    const page = await open();
    await h.signIn(page);
    await h.openView(page, 'Tasks');
    await page.getByTestId('tasks-access').waitFor();
    await audit(page, 'Tasks asking for access');

    await h.grantFromView(page, 'Allow viewing my tasks', { untick: [TASKS_READONLY] });
    await h.alert(page);
    await audit(page, 'Tasks, access declined');

    await h.grantFromView(page, 'Allow viewing my tasks', { scope: TASKS_READONLY });
    await h.waitTasks(page);
    await page.getByLabel('New task').fill('Buy milk');
    await page.getByRole('button', { name: 'Add task' }).click();
    await page.getByTestId('write-prompt').waitFor();
    await audit(page, 'Tasks read-only, asking to write');

    await h.grantFromView(page, 'Allow changes at Google', { scope: TASKS });
    await h.waitTasks(page);
    await page.getByRole('button', { name: 'Add task' }).click();
    await h.waitSaved(page);
    await page.getByRole('checkbox', { name: 'Order more punch cards' }).check();
    await h.waitSaved(page);
    await page.getByRole('button', { name: 'Rename “Buy milk”' }).click();
    await page.getByLabel('New title for “Buy milk”').waitFor();
    await audit(page, 'Tasks, a task done and one being renamed');
    await page.keyboard.press('Escape');

    await h.knobs({ fail: { tasks: 500 } });
    await page.getByLabel('New task').fill('Return the library books');
    await page.getByRole('button', { name: 'Add task' }).click();
    await h.alert(page);
    await audit(page, 'Tasks, a change Google refused');
    await h.knobs({ fail: null });

    await h.openView(page, 'Calendar');
    await h.grantFromView(page, 'Allow viewing my calendar events');
    await page.getByTestId('event').first().waitFor();
    await audit(page, 'Calendar');
  });

  h.test(`${colorScheme}: the sign-in popup's relay page passes axe`, async () => {
    h.setConfig({ ...h.defaultConfig(), display: 'popup' });
    const page = await open();
    await h.waitSignedOut(page);
    // The relay page closes itself at once; here it stays, so that it can be audited.
    await page.context().addInitScript(() => { window.close = () => {}; });
    const popup = await clickForPopup(page, h.signInButton(page));
    await approveInPopup(popup);
    await popup.waitForURL((u) => u.origin === h.appOrigin);
    await popup.getByText('Handing the answer back').waitFor();
    await audit(popup, 'the popup relay page');
    await h.waitSignedIn(page);
  });
}

h.test('the audit fails on a serious violation: an image with a link inside is nested-interactive', async () => {
  const page = await h.openApp();
  await h.waitSignedOut(page);
  // Built with DOM calls (no markup from strings: the page's Trusted Types policy refuses them).
  await page.evaluate(() => {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'a diagram');
    const link = document.createElementNS('http://www.w3.org/2000/svg', 'a');
    link.setAttribute('href', '#somewhere');
    const text = document.createElementNS('http://www.w3.org/2000/svg', 'text');
    text.textContent = 'a step';
    link.append(text);
    svg.append(link);
    document.querySelector('main').append(svg);
  });
  const found = await violations(page);
  assert.ok(found.some((v) => v.id === 'nested-interactive' && v.impact === 'serious'), `nested-interactive found: ${found.map((v) => v.id)}`);
  await assert.rejects(h.audit(page, 'a planted violation'), /nested-interactive/);
});
