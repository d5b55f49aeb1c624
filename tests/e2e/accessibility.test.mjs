// Usable by everyone: every screen, settled, audited with axe-core (WCAG 2.1 A and AA and best
// practices; tests/e2e/axe.mjs) in the light and the dark colour scheme, each walk in a browser
// context that prefers that scheme. Then what a keyboard or screen-reader user meets on the way:
// the sequence diagram's steps as named links, focus after the redirect back, one live region.
import assert from 'node:assert/strict';
import { useHarness, ADA, TASKS, TASKS_READONLY, waitFor, clickForPopup, approveInPopup } from './harness.mjs';
import { violations } from './axe.mjs';

const h = useHarness();

/** The announcer: the app's one polite live region. */
const announcer = (page) => page.getByTestId('announcer');

/** The app (and its features module, the inspector) has taken the page over from the front door. */
const settled = (page) => page.getByTestId('inspector').waitFor();

for (const colorScheme of ['light', 'dark']) {
  const open = async (suffix = '') => {
    const page = await h.newPage({ colorScheme });
    await h.goto(page, h.appUrl + suffix);
    return page;
  };
  const audit = (page, label) => h.audit(page, label, { schemes: null });
  /** The inspector arrives with the features module once the page is idle. */

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
  await settled(page); // the app has taken the page over from the front door: what is planted stays
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
  await page.close(); // planted: not for the harness's audit of the pages left open
});

h.test('the audit checks contrast in each scheme: dark grey text, fine on light paper, fails on dark', async () => {
  const page = await h.openApp();
  await h.waitSignedOut(page);
  await settled(page); // as above
  // Through the CSSOM, which the page's style-src allows (a style attribute in markup it would not).
  await page.evaluate(() => {
    const p = document.createElement('p');
    p.textContent = 'Dark grey text';
    p.style.color = '#303030';
    document.querySelector('main .card').append(p);
  });
  await h.audit(page, 'planted dark grey text', { schemes: ['light'] });
  await assert.rejects(h.audit(page, 'planted dark grey text'), /\(dark\)\n\s*color-contrast \(serious\)/);
  await page.close();
});

/** What has focus: its tag, role, text and test id. */
const focused = (page) => page.evaluate(() => {
  const e = document.activeElement;
  return { tag: e?.tagName.toLowerCase(), role: e?.getAttribute('role'), text: e?.textContent.trim() ?? '', testid: e?.closest('[data-testid]')?.dataset.testid };
});

h.test('after the redirect back, focus is on the new state\'s heading, or on the alert when there is one', async () => {
  const page = await h.openApp();
  await h.signIn(page);
  await waitFor(async () => (await focused(page)).tag === 'h2', { message: 'focus on a heading' });
  assert.deepEqual(await focused(page), { tag: 'h2', role: null, text: ADA.name, testid: 'profile-name' }, 'the profile\'s heading, the person\'s name');

  await h.signOutButton(page).click();
  await h.waitSignedOut(page);
  await waitFor(async () => (await focused(page)).tag === 'h2', { message: 'focus on a heading' });
  assert.equal((await focused(page)).text, 'You are signed out', 'after signing out: the signed-out card\'s heading');

  await h.startSignIn(page);
  await h.decide(page, { cancel: true });
  await h.expectAlert(page, 'access_denied');
  await waitFor(async () => (await focused(page)).role === 'alert', { message: 'focus on the alert' });
  assert.match((await focused(page)).text, /access_denied/);
  // Tab order is as it was: the alert is focusable by script only.
  assert.equal(await page.locator('[role="alert"]').getAttribute('tabindex'), '-1');
});

h.test('the diagram\'s steps are named links inside a labelled group, reached with Tab and followed with Enter', async () => {
  const page = await h.openApp();
  await h.signIn(page);
  const diagram = page.getByTestId('sequence-diagram');
  await diagram.waitFor();
  const tree = await page.locator('figure.diagram').ariaSnapshot();
  assert.match(tree, /figure "Sequence of the sign-in[^"]*"/, tree);
  assert.match(tree, /group "Sequence of the sign-in[^"]*"/, tree);
  assert.match(tree, /link "This page to APIs \(resource server\): POST tokeninfo \(is the token ours\?\)\. Happened: step \d+"/, tree);
  assert.match(tree, /img "This page to Authorization server: POST revoke \(sign-out\)\. Not in this tab yet"/, tree);
  // From the element before the diagram, Tab reaches its first link.
  const first = diagram.getByRole('link').first();
  const firstName = await first.evaluate((a) => a.querySelector('title').textContent);
  await page.getByTestId('inspector').getByRole('heading', { name: 'Protocol inspector' }).evaluate((e) => { e.tabIndex = -1; e.focus(); });
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.querySelector('title')?.textContent), firstName, 'Tab lands on the first step');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.startsWith('#step-'));
  assert.equal(await page.evaluate(() => document.querySelector(':target')?.dataset.testid), 'timeline-entry');
});

/** Records every text the live region takes from now on (in the page, as it happens). */
async function recordAnnouncements(page) {
  await page.evaluate(() => {
    const region = document.querySelector('[data-testid="announcer"]');
    window.__said = [];
    new MutationObserver(() => window.__said.push(region.textContent.trim()))
      .observe(region, { subtree: true, childList: true, characterData: true });
  });
  return async () => page.evaluate(() => window.__said);
}

/** Waits until the session countdown shows another value than now. */
async function nextTick(page) {
  const shown = await page.getByTestId('time-left').textContent();
  await page.waitForFunction((before) => document.querySelector('[data-testid="time-left"]')?.textContent !== before, shown);
}

h.test('the live region announces signed in, signed out in another tab and signing out here, once each and nothing on countdown ticks', async () => {
  const page = await h.openApp();
  await h.signIn(page);
  await announcer(page).filter({ hasText: `Signed in as ${ADA.name}.` }).waitFor();
  await page.getByTestId('inspector-announcer').waitFor({ state: 'attached' });
  // One region for the session's status; the inspector's own speaks only in answer to what
  // the person does there (Try a request, Copy as curl), and says nothing here.
  assert.equal(await page.locator('[aria-live], [role="status"], [role="alert"]').count(), 2, 'the announcer and the inspector\'s region');
  assert.equal((await page.getByTestId('inspector-announcer').textContent()).trim(), '', 'the inspector\'s region is silent');
  const said = await recordAnnouncements(page);
  await nextTick(page);
  await nextTick(page);
  assert.deepEqual(await said(), [], 'the countdown ticked twice and the region did not change');

  const other = await h.newTab(page);
  await other.goto(h.appUrl);
  await h.signIn(other);
  await h.signOutButton(other).click();
  await h.waitSignedOut(other);
  await announcer(page).filter({ hasText: 'another tab' }).waitFor();
  await h.waitSignedOut(page);
  assert.deepEqual((await said()).filter(Boolean), ['You signed out in another tab, so this tab signed out too.']);
  assert.equal(await page.locator('.notice.info').textContent(), 'You signed out in another tab, so this tab signed out too.', 'and it shows');
  await waitFor(async () => (await focused(page)).text === 'You are signed out', { message: 'focus on the signed-out heading' });

  await h.signIn(page);
  const again = await recordAnnouncements(page);
  await h.signOutButton(page).click();
  await announcer(page).filter({ hasText: 'revoked' }).waitFor();
  assert.deepEqual((await again()).filter(Boolean), [
    'Signing out and revoking the token…',
    "Signed out. Google revoked the token and, with it, ended this app's access to your account: the next sign-in will ask for your consent again.",
  ], 'what the page waits for, then the outcome, once each');
});

h.test('the live region says once that renewal is due, and once that the session was renewed', async () => {
  h.setConfig({ ...h.defaultConfig(), renew_lead_secs: 3600 });
  const page = await h.openApp();
  await h.signIn(page);
  const due = `Signed in as ${ADA.name}. Your session ends soon: "Stay signed in" asks Google again.`;
  await announcer(page).filter({ hasText: due }).waitFor();
  const said = await recordAnnouncements(page);
  await nextTick(page);
  assert.deepEqual(await said(), [], 'the renewal offer\'s countdown ticked and the region did not change');

  await clickForPopup(page, page.getByRole('button', { name: 'Stay signed in' }));
  await announcer(page).filter({ hasText: 'Session renewed' }).waitFor();
  await nextTick(page);
  const renewed = 'Session renewed: the provider issued a new token. Your session ends soon: "Stay signed in" asks Google again.';
  assert.deepEqual(await said(), [`${due.replace(/ Your.*/, '')} Asking Google in a small window…`, renewed], 'each change once, in order');
  assert.equal(await announcer(page).textContent(), renewed);
});
