// Google as it really answers (issue 22): the emulator now answers the way Google does where it
// used to be kinder, and the app must be right against it. Each test names the Google behaviour
// it meets; the emulator's comments and the README's table say where each comes from.
import assert from 'node:assert/strict';
import { useHarness, ADA, TASKS, TASKS_READONLY, waitFor } from './harness.mjs';

const h = useHarness();

const DRAFT = 'Draft the notes on the Analytical Engine';
const SUBTASKS = ["Translate Menabrea's paper", 'Write Note G'];
const SHOWN = [DRAFT, ...SUBTASKS, 'Order more punch cards', 'Reply to Charles'];
const KATHERINE = { name: 'Katherine Johnson', email: 'katherine@workspace.example.test', hd: 'workspace.example.test' };

/** The titles of the subtasks shown under the task titled `parent`, in order. */
async function subtaskTitles(page, parent) {
  const list = page.getByRole('list', { name: `Subtasks of “${parent}”` });
  return (await list.locator('.task-title').allTextContents()).map((t) => t.trim());
}

h.test('tasks are shown in Google\'s order (by parent, then position), subtasks under their parent, though Google lists them in another order', async () => {
  // Two to a page: a subtask arrives on a page before its parent's.
  await h.knobs({ page_size: 2 });
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await waitFor(async () => (await h.taskTitles(page)).length === SHOWN.length, { message: 'every page' });

  const { tasks } = await h.googleTasks();
  const answered = tasks.filter((t) => !t.hidden && !t.deleted).map((t) => t.title);
  assert.notDeepEqual(answered, SHOWN, `Google's answer is not in display order: ${answered}`);
  assert.deepEqual(await h.taskTitles(page), SHOWN, 'shown in display order');
  assert.deepEqual(await subtaskTitles(page, DRAFT), SUBTASKS, 'the subtasks are in a list under their parent');
  const parentRow = page.getByTestId('task').filter({ has: page.getByRole('list', { name: `Subtasks of “${DRAFT}”` }) });
  assert.equal((await parentRow.locator('.task-title').first().textContent()).trim(), DRAFT);

  // A new task goes where Google puts a task inserted without `previous`: first at the top level.
  await page.getByLabel('New task').fill('Buy milk');
  await page.getByRole('button', { name: 'Add task' }).click();
  await h.waitSaved(page);
  assert.deepEqual(await h.taskTitles(page), ['Buy milk', ...SHOWN]);
  const milk = (await h.googleTasks()).tasks.find((t) => t.title === 'Buy milk');
  assert.equal(milk.position, '00000000000000000000', 'Google put it first');
  assert.equal(milk.parent, undefined, 'at the top level');

  await page.reload();
  await h.waitTasks(page);
  await waitFor(async () => (await h.taskTitles(page)).length === SHOWN.length + 1, { message: 'the tasks after the reload' });
  assert.deepEqual(await h.taskTitles(page), ['Buy milk', ...SHOWN], 'the same order from Google\'s positions');
});

h.test('signed in with a token that carries no sign-in scope, the profile says what is known (nothing invented) and Tasks work', async () => {
  await h.setConfig({ ...h.defaultConfig(), scopes: [TASKS] });
  const page = await h.openApp();
  await h.startSignIn(page);
  await h.decide(page);
  await h.waitSignedIn(page);

  const profile = h.profile(page);
  assert.equal((await page.getByTestId('profile-name').textContent()).trim(), 'Signed in');
  assert.match(await page.getByTestId('profile-unknown').textContent(), /did not say which Google account/);
  assert.equal(await page.getByTestId('profile-email').count(), 0, 'no email is shown');
  assert.equal(await page.getByTestId('profile-picture').count(), 0, 'no picture');
  assert.doesNotMatch(await profile.textContent(), /Ada|ada@example/, 'nobody is named');
  const userInfoCalls = (await h.log()).filter((e) => e.path === '/oauth2/v3/userinfo');
  assert.deepEqual(userInfoCalls, [], 'user info, which refuses such a token, is not asked');

  await h.openView(page, 'Tasks');
  await h.waitTasks(page);
  assert.match(await page.getByTestId('tasks-access-level').textContent(), /Full access/);
  assert.equal((await h.taskTitles(page))[0], DRAFT);

  await page.reload();
  await h.waitTasks(page);
  await h.openView(page, 'Profile');
  assert.equal((await page.getByTestId('profile-name').textContent()).trim(), 'Signed in', 'the same after a reload');

  await h.signOutButton(page).click();
  await h.waitSignedOut(page);
  assert.ok((await h.tokens()).every((t) => t.revoked), 'signing out revoked the token');
});

h.test('revoking at sign-out ends the whole grant at Google: every token of it is dead, the next sign-in asks for consent, and the app says so', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page);
  const tokens = await h.tokens();
  assert.equal(tokens.length, 2, 'the sign-in token and the one that added Tasks');
  await h.signOutButton(page).click();
  await h.waitSignedOut(page);
  assert.ok((await h.tokens()).every((t) => t.revoked), 'both tokens of the grant are revoked');
  const said = await page.locator('.notice.info').textContent();
  assert.match(said, /ended this app's access/, said);
  assert.match(said, /ask for your consent again/, said);

  // The consent is gone with the grant: Google asks again.
  await h.startSignIn(page);
  assert.match(await page.getByRole('heading', { level: 1 }).textContent(), /Sign in to continue/);
});

h.test('the consent page\'s boxes start unticked, as Google\'s do: pressing Allow as it is grants the sign-in scopes only, and the app says to tick the box', async () => {
  const page = await h.openApp();
  await h.signIn(page);
  await h.openView(page, 'Tasks');
  const request = page.getByTestId('tasks-access');
  await request.waitFor();
  assert.match(await request.textContent(), /start unticked/, 'the request says Google shows its boxes unticked');
  await h.grantFromView(page, 'Allow viewing my tasks', { scope: TASKS_READONLY, asIs: true });

  const { text } = await h.expectAlert(page, 'scope_declined');
  assert.match(text, /left unticked/, text);
  assert.match(text, /tick/, text);
  assert.match(text, /View your tasks/, text);
  assert.equal(await page.getByTestId('task').count(), 0, 'no tasks without the scope');
  assert.ok(!(await h.storedSession(page)).granted_scopes.includes(TASKS_READONLY));

  // Asking again and ticking the box this time gives the tasks.
  await h.grantFromView(page, 'Allow viewing my tasks', { scope: TASKS_READONLY });
  await h.waitTasks(page);
  assert.equal(await page.getByRole('alert').filter({ hasText: 'scope_declined' }).count(), 0, 'the alert is gone');
});

h.test('signing out after the token expired at Google ends the session cleanly and says plainly that there was nothing to revoke', async () => {
  const page = await h.openApp();
  await h.signIn(page);
  // Google's clock ran out first (a sleeping laptop, a skewed clock): the page still holds it.
  await h.expireTokens();
  await h.signOutButton(page).click();
  await h.waitSignedOut(page);
  const revokes = (await h.log()).filter((e) => e.path === '/revoke');
  assert.equal(revokes.at(-1).status, 400, 'Google refused to revoke the expired token');
  assert.equal(await page.locator('[role="alert"]').count(), 0, 'not a failure the person must act on');
  const said = await page.locator('.notice.info').textContent();
  assert.match(said, /Signed out/, said);
  assert.match(said, /had already expired/, said);
  assert.equal(await h.storedSession(page), undefined, 'nothing is left in the tab');
});

h.test('a Workspace account: hd and version_info in the answer, hd in the ID token and user info, and the profile names the domain', async () => {
  await h.setConfig({ ...h.defaultConfig(), flow: 'token id_token' });
  const page = await h.openApp();
  const callback = await h.signIn(page, { account: KATHERINE.email });
  const fragment = new URLSearchParams(new URL(callback).hash.slice(1));
  assert.equal(fragment.get('hd'), KATHERINE.hd);
  assert.ok(fragment.get('version_info'), 'Google\'s opaque version_info is there too');
  assert.ok(fragment.get('id_token'), 'the default flow carries an ID token');
  const claims = JSON.parse(Buffer.from(fragment.get('id_token').split('.')[1], 'base64url'));
  assert.equal(claims.hd, KATHERINE.hd);
  assert.equal((await page.getByTestId('profile-name').textContent()).trim(), KATHERINE.name);
  assert.equal((await page.getByTestId('profile-email').textContent()).trim(), KATHERINE.email);
  assert.match(await page.getByTestId('profile-domain').textContent(), new RegExp(KATHERINE.hd.replace(/\./g, '\\.')));
});

h.test('user info\'s email_verified as the string "true", as Google sent it before, is read like the boolean', async () => {
  await h.knobs({ email_verified_as_string: true });
  const page = await h.openApp();
  await h.signIn(page);
  assert.equal((await page.getByTestId('profile-email').textContent()).trim(), ADA.email);
  assert.equal(await page.locator('[role="alert"]').count(), 0);
});

h.test('a task list deleted elsewhere answers 400 as at Google: the page says the list is gone and shows the lists that remain', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await page.getByLabel('Task list').selectOption({ label: 'Errands' });
  await waitFor(async () => (await h.taskTitles(page))[0] === 'Buy stamps', { message: 'the Errands tasks' });
  const { list } = await h.googleTasks('Errands');
  assert.equal(await h.tasksApi(`/tasks/v1/users/@me/lists/${list.id}`, { method: 'DELETE' }), null);

  await page.getByLabel('Show completed').uncheck();
  const { text } = await h.expectAlert(page, 'task_list_gone');
  assert.match(text, /“Errands” is no longer at Google/);
  const loads = (await h.tasksCalls('GET')).filter((e) => e.path === `/tasks/v1/lists/${list.id}/tasks`);
  assert.equal(loads.at(-1).status, 400, 'Google refused the unknown list');
  await waitFor(async () => (await h.taskTitles(page))[0] === DRAFT, { message: 'the remaining list\'s tasks' });
  assert.deepEqual(await page.getByLabel('Task list').locator('option').allTextContents(), ['My Tasks']);
});
