// Tasks as people use Google Tasks (issue 23): notes and due dates, subtasks, moving (keyboard,
// pointer, another list), lists of their own, clear completed. Every change is optimistic, undone
// in words when Google refuses, and on the inspector's record.
import assert from 'node:assert/strict';
import { useHarness, TASKS_KEY, asText, waitFor } from './harness.mjs';

const h = useHarness();

const DRAFT = 'Draft the notes on the Analytical Engine';
const PUNCH = 'Order more punch cards';
const REPLY = 'Reply to Charles';
const SHOWN = [DRAFT, "Translate Menabrea's paper", 'Write Note G', PUNCH, REPLY];

/** The task's item (its own row, not a subtask's). */
function item(page, title) {
  return page.getByTestId('task').filter({ has: page.locator(`:scope > .task-row .task-title`, { hasText: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
}

function handle(page, title) {
  return page.getByRole('button', { name: `Move “${title}”`, exact: true });
}

/** Google's task titled `title` in `list`. */
async function google(title, list = 'My Tasks') {
  return (await h.googleTasks(list)).tasks.find((t) => t.title === title);
}

/** Google's display order of a list: top-level by position, each followed by its subtasks. */
async function googleOrder(list = 'My Tasks') {
  const tasks = (await h.googleTasks(list)).tasks.filter((t) => !t.hidden && !t.deleted);
  const byPosition = (a, b) => a.position.localeCompare(b.position);
  return tasks.filter((t) => !t.parent).sort(byPosition).flatMap((t) => [
    t.title, ...tasks.filter((c) => c.parent === t.id).sort(byPosition).map((c) => c.title),
  ]);
}

async function said(page) {
  return (await page.getByTestId('tasks-said').textContent()).trim();
}

/** The YYYY-MM-DD `days` from today in this machine's zone (the browser's). */
function day(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

async function moves() {
  return (await h.tasksCalls('POST')).filter((e) => e.path.endsWith('/move'));
}

// The view moves a task and says so before Google has answered (it is optimistic), so
// the n-th move request may reach the emulator a moment after the words: wait for it.
async function nthMove(n) {
  await waitFor(async () => (await moves()).length >= n, { message: `move request ${n} at Google` });
  return (await moves())[n - 1];
}

h.test('notes and a due date are edited with a PATCH of what changed, a due date cleared with null, and a past one shown as overdue', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await page.getByRole('button', { name: `Details of “${PUNCH}”: notes, due date, list` }).click();
  const form = page.getByTestId('task-details');
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'TEXTAREA', 'focus goes to the notes');
  await form.getByLabel('Notes').fill('Two hundred, for the engine');
  await form.getByLabel('Due date', { exact: true }).fill(day(3));
  await h.audit(page, 'the details form open');
  await form.getByRole('button', { name: 'Save' }).click();
  await h.waitSaved(page);
  await form.waitFor({ state: 'detached' });
  const patch = (await h.tasksCalls('PATCH')).at(-1);
  assert.deepEqual(JSON.parse(asText(patch.body)), { notes: 'Two hundred, for the engine', due: `${day(3)}T00:00:00.000Z` }, 'notes and due only, the due date at midnight UTC');
  const saved = await google(PUNCH);
  assert.equal(saved.notes, 'Two hundred, for the engine');
  assert.equal(saved.due, `${day(3)}T00:00:00.000Z`);
  assert.match(await item(page, PUNCH).textContent(), /Two hundred, for the engine/);
  assert.match(await item(page, PUNCH).getByTestId('task-due').textContent(), /^due /);

  // The due date alone, cleared: null.
  await page.getByRole('button', { name: `Details of “${PUNCH}”: notes, due date, list` }).click();
  await form.getByRole('button', { name: `No due date for “${PUNCH}”` }).click();
  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached' });
  await h.waitSaved(page);
  assert.deepEqual(JSON.parse(asText((await h.tasksCalls('PATCH')).at(-1).body)), { due: null });
  await waitFor(async () => (await google(PUNCH)).due === undefined, { message: 'the due date gone at Google' });
  assert.equal(await item(page, PUNCH).getByTestId('task-due').count(), 0);

  // Yesterday: overdue, in words.
  await page.getByRole('button', { name: `Details of “${PUNCH}”: notes, due date, list` }).click();
  await form.getByLabel('Due date', { exact: true }).fill(day(-1));
  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached' });
  await h.waitSaved(page);
  assert.match(await item(page, PUNCH).getByTestId('task-due').textContent(), /^overdue: was due /);
  // Done, it is no longer overdue.
  await page.getByRole('checkbox', { name: PUNCH }).check();
  await h.waitSaved(page);
  assert.match(await item(page, PUNCH).getByTestId('task-due').textContent(), /^due /);
});

h.test('a refused edit of notes is undone, says which task and why, and keeps what was typed in the form', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await h.knobs({ fail: { tasks: { status: 400, times: 1 } } });
  await page.getByRole('button', { name: `Details of “${PUNCH}”: notes, due date, list` }).click();
  await page.getByTestId('task-details').getByLabel('Notes').fill('Lost?');
  await page.getByTestId('task-details').getByRole('button', { name: 'Save' }).click();
  const { text } = await h.expectAlert(page, 'api_error');
  assert.match(text, /saving the task's notes and due date/);
  assert.match(text, new RegExp(`“${PUNCH}”'s notes and due date are back`));
  assert.doesNotMatch(await item(page, PUNCH).locator(':scope > .task-row').textContent(), /Lost\?/, 'the notes are back as they were');
  assert.equal(await page.getByTestId('task-details').getByLabel('Notes').inputValue(), 'Lost?', 'the typed notes are kept');
});

h.test('by keyboard, Alt+ArrowRight makes a task a subtask of the one above and Alt+ArrowLeft moves it out, each said and saved with tasks.move', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await handle(page, PUNCH).focus();
  await page.keyboard.press('Alt+ArrowRight');
  await waitFor(async () => (await said(page)) === `“${PUNCH}” is now a subtask of “${DRAFT}”.`, { message: 'the indent said' });
  const list = page.getByRole('list', { name: `Subtasks of “${DRAFT}”` });
  assert.deepEqual((await list.locator('.task-title').allTextContents()).map((t) => t.trim()), ["Translate Menabrea's paper", 'Write Note G', PUNCH]);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), `Move “${PUNCH}”`, 'focus stays on the moved task');
  const draft = await google(DRAFT);
  const noteG = await google('Write Note G');
  await waitFor(async () => (await google(PUNCH)).parent === draft.id, { message: 'the subtask at Google' });
  const indent = (await moves()).at(-1);
  assert.match(indent.query, new RegExp(`parent=${draft.id}&previous=${noteG.id}`));
  assert.deepEqual(await googleOrder(), await h.taskTitles(page), 'Google\'s order is the one shown');

  await page.keyboard.press('Alt+ArrowLeft');
  await waitFor(async () => (await said(page)).startsWith(`“${PUNCH}” is no longer a subtask of “${DRAFT}”`), { message: 'the outdent said' });
  await waitFor(async () => (await google(PUNCH)).parent === undefined, { message: 'back at the top level at Google' });
  assert.deepEqual(await h.taskTitles(page), SHOWN);
  assert.deepEqual(await googleOrder(), SHOWN);

  // A refusal is said too: the first task has nothing above it to go under.
  await handle(page, DRAFT).focus();
  await page.keyboard.press('Alt+ArrowRight');
  await waitFor(async () => /has no task above it/.test(await said(page)), { message: 'the refusal said' });
});

h.test('with a pointer, Indent and Outdent buttons do the same', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await page.getByRole('button', { name: `Indent “${REPLY}” under the task above` }).click();
  await waitFor(async () => (await google(REPLY)).parent === (await google(PUNCH)).id, { message: 'a subtask of the punch cards' });
  await page.getByRole('button', { name: `Outdent “${REPLY}” out of its parent task` }).click();
  await waitFor(async () => (await google(REPLY)).parent === undefined, { message: 'back out' });
  assert.deepEqual(await h.taskTitles(page), SHOWN);
});

h.test('Alt+ArrowUp and Alt+ArrowDown reorder among siblings, announced, saved with previous, and kept after a reload', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await handle(page, REPLY).focus();
  await page.keyboard.press('Alt+ArrowUp');
  await waitFor(async () => (await said(page)) === `“${REPLY}” moved up: 2 of 3.`, { message: 'the move said' });
  const up = await nthMove(1);
  assert.match(up.query, new RegExp(`previous=${(await google(DRAFT)).id}`));
  assert.doesNotMatch(up.query, /parent=/, 'at the top level');
  await page.keyboard.press('Alt+ArrowUp');
  await waitFor(async () => (await said(page)) === `“${REPLY}” moved up: 1 of 3.`, { message: 'first now' });
  await nthMove(2);
  assert.equal((await moves()).length, 2);
  await waitFor(async () => (await googleOrder())[0] === REPLY, { message: 'first at Google' });
  // Subtasks move within their parent.
  await handle(page, 'Write Note G').focus();
  await page.keyboard.press('Alt+ArrowUp');
  await waitFor(async () => (await said(page)) === `“Write Note G” moved up: 1 of 2 under “${DRAFT}”.`, { message: 'the subtask moved' });
  await handle(page, DRAFT).focus();
  await page.keyboard.press('Alt+ArrowDown');
  await waitFor(async () => /moved down: 3 of 3/.test(await said(page)), { message: 'the draft last' });
  const expected = [REPLY, PUNCH, DRAFT, 'Write Note G', "Translate Menabrea's paper"];
  assert.deepEqual(await h.taskTitles(page), expected);
  await waitFor(async () => JSON.stringify(await googleOrder()) === JSON.stringify(expected), { message: 'Google\'s order' });
  await page.keyboard.press('Alt+ArrowDown');
  await waitFor(async () => /is already last/.test(await said(page)), { message: 'the end said' });

  await page.reload();
  await h.waitTasks(page);
  await waitFor(async () => (await h.taskTitles(page)).length === expected.length, { message: 'the tasks after the reload' });
  assert.deepEqual(await h.taskTitles(page), expected, 'the order Google keeps');
});

h.test('dragging a task by its handle onto another puts it just before that one', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await handle(page, REPLY).dragTo(item(page, DRAFT).locator(':scope > .task-row'));
  await waitFor(async () => (await h.taskTitles(page))[0] === REPLY, { message: 'the reply first' });
  await waitFor(async () => (await googleOrder())[0] === REPLY, { message: 'first at Google' });
  // Onto a subtask: a subtask too, before it.
  await handle(page, PUNCH).dragTo(item(page, 'Write Note G').locator(':scope > .task-row'));
  await waitFor(async () => (await google(PUNCH)).parent === (await google(DRAFT)).id, { message: 'a subtask at Google' });
  assert.deepEqual(await h.taskTitles(page), [REPLY, DRAFT, "Translate Menabrea's paper", PUNCH, 'Write Note G']);
});

h.test('a refused move goes back where it was and says which task and why', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await h.knobs({ fail: { tasks: { status: 400, times: 1 } } });
  await handle(page, DRAFT).focus();
  await page.keyboard.press('Alt+ArrowDown');
  const { text } = await h.expectAlert(page, 'api_error');
  assert.match(text, /moving the task/);
  assert.match(text, new RegExp(`“${DRAFT}” is back where it was`));
  assert.deepEqual(await h.taskTitles(page), SHOWN);
  assert.equal(await said(page), `“${DRAFT}” is back where it was.`);
});

h.test('a task moves to another list with its subtasks and its id (destinationTasklist)', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  const before = await google(DRAFT);
  await page.getByRole('button', { name: `Details of “${DRAFT}”: notes, due date, list` }).click();
  await page.getByTestId('task-details').getByLabel('List').selectOption({ label: 'Errands' });
  await page.getByTestId('task-details').getByRole('button', { name: 'Save' }).click();
  await waitFor(async () => !(await h.taskTitles(page)).includes(DRAFT), { message: 'gone from this list' });
  assert.deepEqual(await h.taskTitles(page), [PUNCH, REPLY], 'its subtasks went along');
  const move = await nthMove(1);
  const errands = (await h.googleTasks('Errands')).list;
  assert.match(move.query, new RegExp(`destinationTasklist=${errands.id}`));
  await waitFor(async () => (await googleOrder('Errands'))[0] === DRAFT, { message: 'in Errands at Google' });
  assert.equal((await google(DRAFT, 'Errands')).id, before.id, 'the same task');
  assert.deepEqual(await googleOrder('Errands'), [DRAFT, "Translate Menabrea's paper", 'Write Note G', 'Buy stamps', 'Return the umbrella']);
  assert.match(await said(page), /moved to the list “Errands”/);
  // Every call is on the inspector's record.
  await page.getByTestId('timeline-entry').filter({ hasText: /POST .*\/move\?destinationTasklist=/ }).first().waitFor();
});

h.test('a refused move to another list brings the task back into its list with its subtasks, and says which and why', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await page.getByRole('button', { name: `Details of “${DRAFT}”: notes, due date, list` }).click();
  await page.getByTestId('task-details').getByLabel('List').selectOption({ label: 'Errands' });
  await h.knobs({ fail: { tasks: { status: 400, times: 1 } } });
  await page.getByTestId('task-details').getByRole('button', { name: 'Save' }).click();
  const { text } = await h.expectAlert(page, 'api_error');
  assert.match(text, /moving the task to another list/);
  assert.match(text, new RegExp(`“${DRAFT}” is back in this list`));
  assert.equal((await moves()).length, 1, 'the move was asked for, and refused');
  assert.deepEqual(await h.taskTitles(page), SHOWN, 'back in its place');
  const subtasks = page.getByRole('list', { name: `Subtasks of “${DRAFT}”` });
  assert.deepEqual((await subtasks.locator('.task-title').allTextContents()).map((t) => t.trim()), ["Translate Menabrea's paper", 'Write Note G'], 'with its subtasks under it');
  assert.equal(await said(page), `“${DRAFT}” is back in this list.`);
  assert.deepEqual(await googleOrder(), SHOWN, 'Google still has it here');
  assert.deepEqual(await googleOrder('Errands'), ['Buy stamps', 'Return the umbrella']);
});

h.test('a refused list creation takes the new list away again, says so with its code, and keeps the name in the field', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await page.getByRole('button', { name: 'New list' }).click();
  await page.getByLabel('Name of the new list').fill('Trip to Turin');
  await h.knobs({ fail: { tasks: { status: 400, times: 1 } } });
  await page.getByRole('button', { name: 'Make list' }).click();
  const { text } = await h.expectAlert(page, 'api_error');
  assert.match(text, /making the list/);
  assert.match(text, /The list “Trip to Turin” was not made; its name is still in the field/);
  assert.deepEqual(await page.getByLabel('Task list').locator('option').allTextContents(), ['My Tasks', 'Errands'], 'the list shown while saving is gone');
  assert.equal(await page.getByLabel('Task list').locator('option:checked').textContent(), 'My Tasks', 'the list shown stays');
  assert.equal(await page.getByLabel('Name of the new list').inputValue(), 'Trip to Turin', 'the name typed is kept');
  assert.deepEqual(await h.taskTitles(page), SHOWN);
  assert.deepEqual((await h.tasksApi('/tasks/v1/users/@me/lists')).items.map((l) => l.title), ['My Tasks', 'Errands'], 'Google made none');
});

h.test('a refused rename gives the list its name back, says so with its code, and keeps the new name in the field', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await page.getByRole('button', { name: 'Rename list “My Tasks”' }).click();
  await page.getByLabel('New name of the list').fill('Everything');
  await h.knobs({ fail: { tasks: { status: 400, times: 1 } } });
  await page.getByRole('button', { name: 'Rename list' }).click();
  const { text } = await h.expectAlert(page, 'api_error');
  assert.match(text, /renaming the list/);
  assert.match(text, /The list keeps its name “My Tasks”; the new name is still in the field/);
  assert.deepEqual(await page.getByLabel('Task list').locator('option').allTextContents(), ['My Tasks', 'Errands'], 'the old name is back');
  assert.equal(await page.getByLabel('New name of the list').inputValue(), 'Everything', 'the new name is kept');
  assert.equal((await h.tasksCalls('PATCH')).length, 1, 'the rename was asked for, and refused');
  assert.equal((await h.tasksApi('/tasks/v1/users/@me/lists')).items[0].title, 'My Tasks', 'Google kept the name');
});

h.test('lists of one\'s own: made, chosen, renamed, kept across a reload in this tab, and deleted after a confirmation that counts their tasks', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  assert.match(await page.locator('.list-controls').textContent(), /default list cannot be deleted/, 'no Delete for Google\'s default list');
  await page.getByRole('button', { name: 'New list' }).click();
  await page.getByLabel('Name of the new list').fill('Trip to Turin');
  await page.getByRole('button', { name: 'Make list' }).click();
  await waitFor(async () => (await page.getByLabel('Task list').locator('option:checked').textContent()) === 'Trip to Turin', { message: 'the new list chosen' });
  await page.getByText('No tasks to show in this list.').waitFor();
  // The page shows the list while Google makes it: wait for Google's side, not for the page's.
  const made = await waitFor(async () => {
    const titles = (await h.tasksApi('/tasks/v1/users/@me/lists')).items.map((l) => l.title);
    return titles.includes('Trip to Turin') && titles;
  }, { message: 'the list made at Google' });
  assert.deepEqual(made, ['My Tasks', 'Errands', 'Trip to Turin']);
  assert.deepEqual(JSON.parse(asText((await h.tasksCalls('POST')).find((e) => e.path === '/tasks/v1/users/@me/lists').body)), { title: 'Trip to Turin' });

  await page.getByRole('button', { name: 'Rename list “Trip to Turin”' }).click();
  await page.getByLabel('New name of the list').fill('Turin');
  await page.getByRole('button', { name: 'Rename list' }).click();
  await waitFor(async () => (await page.getByLabel('Task list').locator('option:checked').textContent()) === 'Turin', { message: 'renamed' });
  // The new name shows before Google has it (and the rename is in the emulator's log).
  const patch = await waitFor(async () => (await h.tasksCalls('PATCH')).at(-1), { message: 'the rename at Google' });
  assert.deepEqual(JSON.parse(asText(patch.body)), { title: 'Turin' });
  await page.getByLabel('New task').fill('Pack the notes');
  await page.getByRole('button', { name: 'Add task' }).click();
  await h.waitSaved(page);

  await page.reload();
  await h.waitTasks(page);
  assert.equal(await page.getByLabel('Task list').locator('option:checked').textContent(), 'Turin', 'the chosen list kept in this tab');
  assert.ok(JSON.parse((await h.sessionStorage(page))[TASKS_KEY]).list_id, 'in sessionStorage');

  await page.getByRole('button', { name: 'Delete list “Turin”' }).click();
  const confirm = page.getByTestId('confirm-delete-list');
  await confirm.getByText('Delete the list “Turin” and the 1 task in it? Google deletes it with the list.').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'confirm-delete-list', 'focus goes to the question');
  await h.audit(page, 'the delete confirmation');
  await confirm.getByRole('button', { name: 'Keep the list' }).click();
  assert.equal((await h.tasksCalls('DELETE')).length, 0, 'kept: nothing deleted');
  await page.getByRole('button', { name: 'Delete list “Turin”' }).click();
  await confirm.getByRole('button', { name: 'Delete the list and its 1 task' }).click();
  await waitFor(async () => (await page.getByLabel('Task list').locator('option:checked').textContent()) === 'My Tasks', { message: 'back on the first list' });
  await waitFor(async () => (await h.tasksApi('/tasks/v1/users/@me/lists')).items.length === 2, { message: 'gone at Google' });
  assert.match(await said(page), /The list “Turin” was deleted/);

  // Errands has two tasks: the question says so.
  await page.getByLabel('Task list').selectOption({ label: 'Errands' });
  await page.getByRole('button', { name: 'Delete list “Errands”' }).click();
  await confirm.getByText('Delete the list “Errands” and the 2 tasks in it? Google deletes them with the list.').waitFor();
});

h.test('a refused list deletion brings the list back, chosen, and says so', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await page.getByLabel('Task list').selectOption({ label: 'Errands' });
  await waitFor(async () => (await h.taskTitles(page))[0] === 'Buy stamps', { message: 'the Errands tasks' });
  await page.getByRole('button', { name: 'Delete list “Errands”' }).click();
  await page.getByRole('button', { name: 'Delete the list and its 2 tasks' }).waitFor();
  // Only the DELETE is refused (the first list's tasks load at the same time).
  await page.route((url) => url.pathname.startsWith('/tasks/v1/users/@me/lists/'), (route) => (route.request().method() === 'DELETE'
    ? route.fulfill({
      status: 400,
      contentType: 'application/json',
      headers: { 'Access-Control-Allow-Origin': h.appOrigin },
      body: JSON.stringify({ error: { code: 400, message: 'Invalid Value', errors: [{ message: 'Invalid Value', domain: 'global', reason: 'invalid' }], status: 'INVALID_ARGUMENT' } }),
    })
    : route.continue()));
  await page.getByRole('button', { name: 'Delete the list and its 2 tasks' }).click();
  const { text } = await h.expectAlert(page, 'api_error');
  assert.match(text, /deleting the list/);
  assert.match(text, /The list “Errands” is back, with its tasks/);
  assert.equal(await page.getByLabel('Task list').locator('option:checked').textContent(), 'Errands');
  assert.equal((await h.tasksApi('/tasks/v1/users/@me/lists')).items.length, 2, 'Google still has it');
});

h.test('clear completed says how many it will hide, hides them (Google marks them hidden), and "show hidden" shows them again', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await page.getByRole('checkbox', { name: PUNCH }).check();
  await h.waitSaved(page);
  const clear = page.getByRole('button', { name: 'Clear completed (2)' });
  await clear.click();
  await waitFor(async () => !(await h.taskTitles(page)).includes(REPLY), { message: 'the completed tasks hidden' });
  assert.deepEqual(await h.taskTitles(page), SHOWN.slice(0, 3));
  assert.equal(await said(page), '2 completed tasks cleared: Google hides them.');
  const posts = (await h.tasksCalls('POST')).filter((e) => e.path.endsWith('/clear'));
  assert.equal(posts.length, 1);
  await waitFor(async () => (await google(REPLY)).hidden === true, { message: 'hidden at Google' });
  assert.equal(await page.getByRole('button', { name: /Clear completed/ }).count(), 0, 'nothing left to clear');
  await page.getByLabel('Show hidden').check();
  await waitFor(async () => (await h.taskTitles(page)).includes(REPLY), { message: 'shown again' });
  assert.match(await item(page, REPLY).textContent(), /hidden/);
});

h.test('a refused clear completed brings the completed tasks back where they were, and says so with its code', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page, { write: true });
  await page.getByRole('checkbox', { name: PUNCH }).check();
  await h.waitSaved(page);
  await h.knobs({ fail: { tasks: { status: 400, times: 1 } } });
  await page.getByRole('button', { name: 'Clear completed (2)' }).click();
  const { text } = await h.expectAlert(page, 'api_error');
  assert.match(text, /clearing the completed tasks/);
  assert.match(text, /The completed tasks are back in view/);
  assert.equal((await h.tasksCalls('POST')).filter((e) => e.path.endsWith('/clear')).length, 1, 'the clear was asked for, and refused');
  assert.deepEqual(await h.taskTitles(page), SHOWN, 'back, each in its place');
  for (const title of [PUNCH, REPLY]) {
    assert.ok(await page.getByRole('checkbox', { name: title }).isChecked(), `“${title}” is still done`);
    assert.doesNotMatch(await item(page, title).textContent(), /hidden/, `“${title}” is not marked hidden`);
  }
  assert.equal(await said(page), 'The completed tasks are back.');
  await page.getByRole('button', { name: 'Clear completed (2)' }).waitFor();
  assert.notEqual((await google(REPLY)).hidden, true, 'Google hid nothing');
});

h.test('with read-only access, moving a task asks for full access first and moves nothing', async () => {
  const page = await h.openApp();
  await h.signInWithTasks(page);
  await handle(page, PUNCH).focus();
  await page.keyboard.press('Alt+ArrowUp');
  await page.getByTestId('write-prompt').waitFor();
  assert.equal((await moves()).length, 0);
  assert.deepEqual(await h.taskTitles(page), SHOWN);
});
