// Google Tasks from the page: incremental authorization (read-only first, full access when a
// change is tried), granular consent (a scope unticked), the list, its switches, every change
// saved to Google, and the keyboard.
import assert from 'node:assert/strict';
import {
  useHarness, ADA, AUTH_PATH, TASKS, TASKS_READONLY, VIEW_KEY, TASKS_KEY, SESSION_KEY, asText, waitFor,
  clickForPopup, approveInPopup,
} from './harness.mjs';

const h = useHarness();

// In Google's order: the draft's two subtasks under it.
const SEEDED_OPEN = ['Draft the notes on the Analytical Engine', "Translate Menabrea's paper", 'Write Note G', 'Order more punch cards'];
const SEEDED_SHOWN = [...SEEDED_OPEN, 'Reply to Charles'];

h.test('sign-in asks only for the sign-in scopes; opening Tasks asks for tasks.readonly incrementally and lands back on Tasks with the tasks', async () => {
  const page = await h.openApp();
  const signInUrl = new URL(await h.startSignIn(page));
  assert.deepEqual(signInUrl.searchParams.get('scope').split(' '), ['openid', 'email', 'profile'], 'sign-in asks for the configured scopes only');
  await h.decide(page);
  await h.waitSignedIn(page);

  await h.openView(page, 'Tasks');
  await page.getByTestId('tasks-access').waitFor();
  assert.equal(await page.getByTestId('task').count(), 0, 'no tasks before access is granted');
  assert.equal((await h.tasksCalls()).length, 0, 'no Tasks API call is made without a Tasks scope');

  const authUrl = await h.grantFromView(page, 'Allow viewing my tasks', { scope: TASKS_READONLY });
  assert.ok(!authUrl.searchParams.get('scope').split(' ').includes(TASKS), 'read-only first: full access is not asked for');
  assert.equal(authUrl.searchParams.get('login_hint'), ADA.email, 'the same account is suggested');

  await h.waitTasks(page);
  assert.equal(new URL(page.url()).hash, '', 'the fragment is gone');
  assert.equal(await page.getByRole('button', { name: 'Tasks', exact: true }).getAttribute('aria-current'), 'page', 'the Tasks tab is current');
  assert.equal(await page.getByLabel('Task list').locator('option:checked').textContent(), 'My Tasks');
  assert.deepEqual(await h.taskTitles(page), SEEDED_SHOWN, 'open and completed tasks, not the hidden one');
  assert.match(await page.getByTestId('tasks-access-level').textContent(), /Read-only access/);
  assert.equal(await page.getByRole('checkbox', { name: 'Reply to Charles' }).isChecked(), true, 'a completed task is ticked');
  assert.match(await page.getByTestId('task').first().textContent(), /Note G: computing Bernoulli numbers/, 'notes are shown');

  const session = await h.storedSession(page);
  assert.ok(session.granted_scopes.includes(TASKS_READONLY), 'the new session carries tasks.readonly');
  assert.ok(session.granted_scopes.includes('openid'), 'and still the sign-in scopes (include_granted_scopes)');

  // The API calls carry the token in the Authorization header only, never with cookies.
  const [{ token }] = (await h.tokens()).slice(-1);
  for (const call of await h.tasksCalls()) {
    assert.equal(call.headers.authorization, `Bearer ${token}`, `${call.method} ${call.path} uses the newest token`);
    assert.equal(call.headers.cookie, undefined, 'no cookie');
  }

  await h.openView(page, 'Profile');
  const scopes = await page.locator('ul[data-testid="granted-scopes"] > li').allTextContents();
  assert.ok(scopes.includes(TASKS_READONLY), `the profile lists the new scope: ${scopes}`);
});

h.test('show completed and show hidden change what Google is asked for and what is shown', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page);

  await page.getByLabel('Show completed').uncheck();
  await waitFor(async () => (await h.taskTitles(page)).length === SEEDED_OPEN.length, { message: 'completed tasks to go' });
  assert.deepEqual(await h.taskTitles(page), SEEDED_OPEN);
  assert.ok((await h.tasksCalls('GET')).some((e) => /showCompleted=false/.test(e.query)), 'showCompleted=false was sent');

  await page.getByLabel('Show completed').check();
  await page.getByLabel('Show hidden').check();
  await waitFor(async () => (await h.taskTitles(page)).length === SEEDED_SHOWN.length + 1, { message: 'the hidden task to appear' });
  assert.deepEqual(await h.taskTitles(page), [...SEEDED_SHOWN, 'Renew the library card']);
  assert.match(await page.getByTestId('task').nth(SEEDED_SHOWN.length).textContent(), /hidden/);
  assert.ok((await h.tasksCalls('GET')).some((e) => /showCompleted=true&showHidden=true/.test(e.query)), 'showHidden=true was sent');
});

h.test('another list can be chosen, and the choice and switches survive a reload', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page);
  await page.getByLabel('Task list').selectOption({ label: 'Errands' });
  await waitFor(async () => (await h.taskTitles(page))[0] === 'Buy stamps', { message: 'the Errands tasks' });
  assert.deepEqual(await h.taskTitles(page), ['Buy stamps', 'Return the umbrella']);
  await page.getByLabel('Show completed').uncheck();

  await page.reload();
  await h.waitTasks(page);
  assert.equal(await page.getByLabel('Task list').locator('option:checked').textContent(), 'Errands');
  assert.equal(await page.getByLabel('Show completed').isChecked(), false);
  assert.deepEqual(await h.taskTitles(page), ['Buy stamps', 'Return the umbrella']);
});

h.test('pages are followed through nextPageToken until every task is shown', async () => {
  await h.knobs({ page_size: 1 });
  const page = await h.openApp();
  await h.signInWithTasks(page);
  await waitFor(async () => (await h.taskTitles(page)).length === SEEDED_SHOWN.length, { message: 'every task' });
  assert.deepEqual(await h.taskTitles(page), SEEDED_SHOWN);
  const gets = (await h.tasksCalls('GET')).filter((e) => /\/tasks$/.test(e.path));
  assert.equal(gets.length, SEEDED_SHOWN.length, `one request per page: ${gets.map((e) => e.query).join(' | ')}`);
  assert.ok(gets.slice(1).every((e) => /pageToken=/.test(e.query)), 'later pages carry the pageToken');
  const listCalls = (await h.tasksCalls('GET')).filter((e) => /\/lists$/.test(e.path));
  assert.equal(listCalls.length, 2, 'two task lists, one page each');
});

h.test('with read-only access, adding asks for full access first; the typed title survives the consent round trip and the task is then created', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page);

  await page.getByLabel('New task').fill('Buy milk');
  await page.getByRole('button', { name: 'Add task' }).click();
  const prompt = page.getByTestId('write-prompt');
  await prompt.waitFor();
  assert.match(await prompt.textContent(), /Create, edit, organize, and delete all your tasks/);
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Allow changes at Google', 'focus moves to the choice');
  assert.equal((await h.tasksCalls('POST')).length, 0, 'nothing was sent with a read-only token');
  assert.deepEqual(await h.taskTitles(page), SEEDED_SHOWN, 'no optimistic row for a change that cannot be made');

  const authUrl = await h.grantFromView(page, 'Allow changes at Google', { scope: TASKS });
  assert.ok(!authUrl.searchParams.get('scope').split(' ').includes(TASKS_READONLY), 'only the new scope is added to the sign-in scopes');
  await h.waitTasks(page);
  assert.match(await page.getByTestId('tasks-access-level').textContent(), /Full access/);
  assert.equal(await page.getByLabel('New task').inputValue(), 'Buy milk', 'the typed title is back in the field');

  await page.getByRole('button', { name: 'Add task' }).click();
  await page.getByRole('checkbox', { name: 'Buy milk' }).waitFor();
  await waitFor(async () => (await page.getByLabel('New task').inputValue()) === '', { message: 'the field to clear once saved' });
  assert.equal((await h.taskTitles(page))[0], 'Buy milk', 'a new task goes first, as Google puts it');
  const { tasks } = await h.googleTasks();
  assert.ok(tasks.some((t) => t.title === 'Buy milk' && t.status === 'needsAction'), 'Google has the task');
  const posts = await h.tasksCalls('POST');
  assert.equal(posts.length, 1);
  assert.deepEqual(JSON.parse(asText(posts[0].body)), { title: 'Buy milk' });
  assert.equal(posts[0].headers['content-type'], 'application/json');
});

h.test('complete, reopen, rename and delete are saved to Google', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  const find = async (title) => (await h.googleTasks()).tasks.find((t) => t.title === title);

  await page.getByRole('checkbox', { name: 'Order more punch cards' }).check();
  await waitFor(async () => (await find('Order more punch cards'))?.status === 'completed', { message: 'completion at Google' });
  await h.waitSaved(page);
  const complete = (await h.tasksCalls('PATCH')).at(-1);
  assert.deepEqual(JSON.parse(asText(complete.body)), { status: 'completed' });
  assert.equal(complete.headers['content-type'], 'application/json');
  await page.getByRole('checkbox', { name: 'Order more punch cards' }).uncheck();
  await waitFor(async () => (await find('Order more punch cards'))?.status === 'needsAction', { message: 'reopening at Google' });
  await h.waitSaved(page);
  const reopen = (await h.tasksCalls('PATCH')).at(-1);
  assert.deepEqual(JSON.parse(asText(reopen.body)), { status: 'needsAction', completed: null }, 'reopening clears completed too');

  await page.getByRole('button', { name: 'Rename “Order more punch cards”' }).click();
  const field = page.getByLabel('New title for “Order more punch cards”');
  await field.fill('Order more punch cards (500)');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('checkbox', { name: 'Order more punch cards (500)' }).waitFor();
  await waitFor(async () => await find('Order more punch cards (500)'), { message: 'the rename at Google' });
  await h.waitSaved(page);

  await page.getByRole('button', { name: 'Delete “Reply to Charles”' }).click();
  await waitFor(async () => !(await h.taskTitles(page)).includes('Reply to Charles'), { message: 'the row to go' });
  await waitFor(async () => (await find('Reply to Charles'))?.deleted === true, { message: 'the deletion at Google' });
  const del = (await h.tasksCalls('DELETE')).at(-1);
  assert.equal(del.status, 204);
  assert.equal(await page.locator('[role="alert"]').count(), 0, 'no alert');
});

h.test('everything works from the keyboard: add with Enter, complete with Space, rename with Enter, cancel with Escape', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });

  await page.getByLabel('New task').focus();
  await page.keyboard.type('Write to Mary');
  await page.keyboard.press('Enter');
  const added = page.getByRole('checkbox', { name: 'Write to Mary' });
  await added.waitFor();
  await h.waitSaved(page);

  await added.focus();
  await page.keyboard.press('Space');
  await waitFor(async () => (await h.googleTasks()).tasks.find((t) => t.title === 'Write to Mary')?.status === 'completed', { message: 'completion' });
  await h.waitSaved(page);
  assert.equal(await page.evaluate(() => document.activeElement?.id), await added.getAttribute('id'), 'focus stays on the checkbox while it saves');

  // The row's controls in order: Indent, Details, Rename.
  const label = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
  await page.keyboard.press('Tab');
  assert.equal(await label(), 'Indent “Write to Mary” under the task above');
  await page.keyboard.press('Tab');
  assert.equal(await label(), 'Details of “Write to Mary”: notes, due date, list');
  await page.keyboard.press('Tab');
  assert.equal(await label(), 'Rename “Write to Mary”');
  await page.keyboard.press('Enter');
  const field = page.getByLabel('New title for “Write to Mary”');
  await field.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), await field.getAttribute('id'), 'focus moves into the rename field');
  await page.keyboard.press('Escape');
  await field.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Rename “Write to Mary”', 'focus returns to Rename');

  await page.keyboard.press('Enter');
  await field.waitFor();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Write to Mary Somerville');
  await page.keyboard.press('Enter');
  await page.getByRole('checkbox', { name: 'Write to Mary Somerville' }).waitFor();
  await waitFor(async () => (await h.googleTasks()).tasks.some((t) => t.title === 'Write to Mary Somerville'), { message: 'the rename' });
});

h.test('typed text survives a reload', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await page.getByLabel('New task').fill('Half-typed thought');
  await page.getByRole('button', { name: 'Rename “Order more punch cards”' }).click();
  await page.getByLabel('New title for “Order more punch cards”').fill('Order punch cards and ink');

  await page.reload();
  await h.waitTasks(page);
  assert.equal(await page.getByLabel('New task').inputValue(), 'Half-typed thought');
  assert.equal(await page.getByLabel('New title for “Order more punch cards”').inputValue(), 'Order punch cards and ink');
});

h.test('unticking tasks.readonly at consent says what is missing (scope_declined) and offers it again; granting it then works', async () => {
  const page = await h.openApp();
  await h.signIn(page);
  await h.openView(page, 'Tasks');
  await h.grantFromView(page, 'Allow viewing my tasks', { scope: TASKS_READONLY, untick: [TASKS_READONLY] });

  await page.getByTestId('tasks-access').waitFor();
  const { text } = await h.expectAlert(page, 'scope_declined');
  assert.match(text, /View your tasks/);
  assert.ok(text.includes(TASKS_READONLY), 'the missing scope is named');
  assert.equal(await page.getByTestId('task').count(), 0, 'no tasks are shown');
  assert.equal((await h.tasksCalls()).length, 0, 'the feature gates on the granted set: no API call');
  const session = await h.storedSession(page);
  assert.ok(!session.granted_scopes.includes(TASKS_READONLY), 'the token does not carry the scope');

  await h.openView(page, 'Profile');
  assert.deepEqual(await page.locator('ul[data-testid="declined-scopes"] > li').allTextContents(), [TASKS_READONLY]);
  await h.openView(page, 'Tasks');
  await h.grantFromView(page, 'Allow viewing my tasks', { scope: TASKS_READONLY });
  await h.waitTasks(page);
  assert.deepEqual(await h.taskTitles(page), SEEDED_SHOWN);
});

h.test('unticking full access keeps read-only, says changes need it, and keeps the typed title', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page);
  await page.getByLabel('New task').fill('Buy milk');
  await page.getByRole('button', { name: 'Add task' }).click();
  await h.grantFromView(page, 'Allow changes at Google', { scope: TASKS, untick: [TASKS] });

  await h.waitTasks(page);
  const { text } = await h.expectAlert(page, 'scope_declined');
  assert.match(text, /Create, edit, organize, and delete all your tasks/);
  assert.match(await page.getByTestId('tasks-access-level').textContent(), /Read-only access/);
  assert.equal(await page.getByLabel('New task').inputValue(), 'Buy milk');
  await page.getByRole('button', { name: 'Add task' }).click();
  await page.getByTestId('write-prompt').waitFor();
  assert.equal((await h.tasksCalls('POST')).length, 0);
});

h.test('cancelling the Tasks consent keeps the session and the view, and says access_denied', async () => {
  const page = await h.openApp();
  await h.signIn(page);
  const [{ token }] = await h.tokens();
  await h.openView(page, 'Tasks');
  await h.grantFromView(page, 'Allow viewing my tasks', { scope: TASKS_READONLY, cancel: true });

  await h.expectAlert(page, 'access_denied');
  await page.getByTestId('tasks-access').waitFor();
  assert.equal((await h.storedSession(page)).access_token, token, 'the session this tab had is kept');
  const ss = await h.sessionStorage(page);
  assert.equal(JSON.parse(ss[VIEW_KEY]), 'tasks');
});

h.test('signing out forgets the view and unsaved text; the next sign-in starts on the profile', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await page.getByLabel('New task').fill('Private note');
  await h.signOutButton(page).click();
  await h.waitSignedOut(page);
  const ss = await h.sessionStorage(page);
  assert.equal(ss[VIEW_KEY], undefined);
  assert.equal(ss[TASKS_KEY], undefined);
  assert.equal(ss[SESSION_KEY], undefined);
  await h.signIn(page);
  assert.equal(await page.getByRole('button', { name: 'Profile', exact: true }).getAttribute('aria-current'), 'page');
});

h.test('a 403 insufficient scope from Google is shown with its code and offers to ask Google for the scope', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page);
  await h.knobs({ fail: { tasks: { status: 403, times: 1 } } });
  await page.getByRole('button', { name: 'Refresh' }).click();

  const { text } = await h.expectAlert(page, 'insufficient_scope');
  assert.match(text, /loading your task lists/);
  assert.ok(text.includes(TASKS), `the scope from Google's challenge is named: ${text}`);
  assert.equal((await h.tasksCalls('GET')).filter((e) => e.status === 403).length, 1, 'not retried');

  await page.getByRole('button', { name: 'Ask Google for access' }).click();
  await page.waitForURL((u) => u.pathname === AUTH_PATH);
  const scopes = new URL(page.url()).searchParams.get('scope').split(' ');
  assert.ok(scopes.includes(TASKS_READONLY), `a failed read asks for the read scope: ${scopes}`);
  await h.decide(page);
  await h.waitTasks(page);
});

h.test('with display "popup", Tasks access is asked for in a popup: the page never leaves, and the typed title stays in its field', async () => {
  h.setConfig({ ...h.defaultConfig(), display: 'popup' });
  const page = await h.openApp();
  const signIn = await clickForPopup(page, h.signInButton(page));
  await approveInPopup(signIn);
  await h.waitSignedIn(page);

  await h.openView(page, 'Tasks');
  const readOnly = await clickForPopup(page, page.getByRole('button', { name: 'Allow viewing my tasks' }));
  await approveInPopup(readOnly);
  await h.waitTasks(page);
  assert.deepEqual(await h.taskTitles(page), SEEDED_SHOWN);

  await page.getByLabel('New task').fill('Buy milk');
  await page.getByRole('button', { name: 'Add task' }).click();
  const full = await clickForPopup(page, page.getByRole('button', { name: 'Allow changes at Google' }));
  const requested = await approveInPopup(full);
  assert.ok(requested.searchParams.get('scope').split(' ').includes(TASKS), 'the popup asks for full access');
  await waitFor(async () => /Full access/.test(await page.getByTestId('tasks-access-level').textContent()), { message: 'full access' });
  assert.equal(await page.getByTestId('write-prompt').count(), 0, 'the prompt goes once full access arrives');
  assert.equal(await page.getByLabel('New task').inputValue(), 'Buy milk');
  await page.getByRole('button', { name: 'Add task' }).click();
  await page.getByRole('checkbox', { name: 'Buy milk' }).waitFor();
  assert.deepEqual(h.navigations.map((n) => n.url), [h.appUrl], 'the page itself never navigated');
});
