// The second API: Calendar's upcoming events, asked for when the view is first opened, read only,
// through the same request layer (paging, retries, typed errors).
import assert from 'node:assert/strict';
import { useHarness, CALENDAR_READONLY, TASKS_READONLY, waitFor } from './harness.mjs';

const h = useHarness();

const NEXT_TWO_WEEKS = [
  'Review Note G with Charles',
  'Lunch at the Royal Society',
  'Conference on computing machinery',
  'Dentist',
];

async function eventTitles(page) {
  return (await page.locator('[data-testid="event"] .event-title').allTextContents()).map((t) => t.trim());
}

async function openCalendar(page) {
  await h.signIn(page);
  await h.openView(page, 'Calendar');
  await h.grantFromView(page, 'Allow viewing my calendar events', { scope: CALENDAR_READONLY });
}

h.test('opening Calendar asks for calendar.events.readonly, lands back on Calendar and lists the next two weeks in start order', async () => {
  const page = await h.openApp();
  await openCalendar(page);
  await page.getByTestId('event').first().waitFor();
  assert.deepEqual(await eventTitles(page), NEXT_TWO_WEEKS, 'not yesterday\'s, not the one in three weeks');
  const allDay = page.getByTestId('event').nth(2);
  assert.match(await allDay.textContent(), /\(all day\)/);
  assert.match(await allDay.textContent(), /London/);

  const [call] = (await h.log()).filter((e) => e.path.startsWith('/calendar/') && e.method === 'GET');
  const q = new URLSearchParams(call.query);
  assert.equal(q.get('singleEvents'), 'true');
  assert.equal(q.get('orderBy'), 'startTime');
  const span = Date.parse(q.get('timeMax')) - Date.parse(q.get('timeMin'));
  assert.equal(span, 14 * 86_400_000, 'a fourteen-day window');
  assert.ok(Math.abs(Date.parse(q.get('timeMin')) - Date.now()) < 60_000, 'starting now');

  const session = await h.storedSession(page);
  assert.ok(session.granted_scopes.includes(CALENDAR_READONLY));
  assert.ok(!session.granted_scopes.includes(TASKS_READONLY), 'Calendar does not bring Tasks access');
});

h.test('unticking the calendar scope says it is missing and offers it again', async () => {
  const page = await h.openApp();
  await h.signIn(page);
  await h.openView(page, 'Calendar');
  await h.grantFromView(page, 'Allow viewing my calendar events', { scope: CALENDAR_READONLY, untick: [CALENDAR_READONLY] });
  await page.getByTestId('calendar-access').waitFor();
  const { text } = await h.expectAlert(page, 'scope_declined');
  assert.match(text, /View events on all your calendars/);
  assert.equal((await h.log()).filter((e) => e.path.startsWith('/calendar/')).length, 0, 'no call without the scope');
  await page.getByRole('button', { name: 'Allow viewing my calendar events' }).waitFor();
});

h.test('events come through every page, and a failing Calendar is retried then reported with Try again', async () => {
  await h.knobs({ page_size: 1 });
  const page = await h.openApp();
  await openCalendar(page);
  await waitFor(async () => (await eventTitles(page)).length === 4, { message: 'four events over four pages' });
  const gets = (await h.log()).filter((e) => e.path.startsWith('/calendar/') && e.method === 'GET');
  assert.equal(gets.length, 4);

  await h.knobs({ fail: { calendar: 500 } });
  await page.getByRole('button', { name: 'Refresh' }).click();
  const { text } = await h.expectAlert(page, 'server_error', 15_000);
  assert.match(text, /loading your upcoming events/);
  await h.knobs({ fail: null });
  await page.getByRole('button', { name: 'Try again' }).click();
  await waitFor(async () => (await eventTitles(page)).length === 4, { message: 'the events again' });
});
