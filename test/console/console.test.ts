// The console in a real browser (Debian's headless Chromium driven by playwright-core), on SQLite
// and PostgreSQL: sign in, create a project, create a key and see it once, change a rate limit,
// find the change in the audit log, see the usage chart with demo data, sign out. Also how the
// server serves the console's files.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { demoRecords, seedDemoOrganization } from '../../src/cli/demo.js';
import { forEachDialect } from '../helpers/harness.js';
import { ensureConsoleBuilt, launchChromium } from './browser.js';

let browser: Browser;
before(async () => {
  ensureConsoleBuilt();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

forEachDialect('console in the browser', (server) => {
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    const s = server();
    const shape = { projects: 3, users: 4, keys: 6, records: 4000, days: 30, seed: 11 };
    const org = await seedDemoOrganization(s.ctx, shape);
    for (const batch of demoRecords(org, shape, s.clock.now(), 2000)) await s.ctx.usage.ingestion.record(batch);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.setDefaultTimeout(15_000);
  });
  after(async () => {
    await page?.context().close();
  });

  it('serves the page (revalidated, with a CSP) and its hashed files (cached for a year); page routes get the page', async () => {
    const s = server();
    const index = await fetch(`${s.baseUrl}/console/`);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    assert.match(index.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const html = await index.text();
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, html);
    const asset = await fetch(s.baseUrl + script);
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    const deep = await fetch(`${s.baseUrl}/console/projects/proj_abc`);
    assert.equal(deep.status, 200);
    assert.equal(await deep.text(), html);
    assert.equal((await fetch(`${s.baseUrl}/console/assets/missing-0000.js`)).status, 404);
  });

  it('signs in with the admin key, which the browser does not keep', async () => {
    const s = server();
    await page.goto(`${s.baseUrl}/console/`);
    await page.getByLabel('Admin API key').fill('sk-admin-' + 'x'.repeat(40));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'api_key' }).waitFor();
    await page.getByLabel('Admin API key').fill(s.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    const stored = await page.evaluate(() => JSON.stringify({ cookie: document.cookie, local: { ...localStorage }, session: { ...sessionStorage } }));
    assert.ok(!stored.includes(s.adminKey), stored);
    assert.ok(!stored.includes('orgplane_session'), 'the session cookie is HttpOnly');
    const cookies = await page.context().cookies();
    const cookie = cookies.find((c) => c.name === 'orgplane_session');
    assert.ok(cookie?.httpOnly);
    assert.equal(cookie?.sameSite, 'Strict');
  });

  it('shows the usage chart and table with demo data', async () => {
    // The overview charts the last 30 days.
    await page.getByTestId('month-spend').waitFor();
    await page.locator('[data-testid=chart] canvas').first().waitFor();
    await page.getByRole('link', { name: 'Usage and costs' }).click();
    await page.getByRole('heading', { name: 'Usage and costs', level: 1 }).waitFor();
    await page.locator('[data-testid=chart] canvas').waitFor();
    const rows = page.getByTestId('usage-table').locator('tbody tr');
    await rows.first().waitFor();
    assert.ok((await rows.count()) >= 3, 'several models');
    const legend = await page.locator('.u-legend').innerText();
    assert.match(legend, /gpt-/);
    // Costs grouped by project, with the demo projects' names.
    await page.getByLabel('Kind').selectOption('costs');
    await page.getByLabel('Group by').selectOption('project_id');
    await page.getByTestId('usage-table').getByText('Support assistant').waitFor();
  });

  it('works from the keyboard: focus moves to each page\'s heading, a skip link, tabs with arrow keys, a visible focus ring', async () => {
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    // Tab from the heading goes on to the page's first control, with a visible focus ring.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Users');
    assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle), 'none');
    // The skip link is the first focusable element, and shows itself when focused.
    assert.equal(await page.evaluate(() => (document.querySelector('a[href], button, input, select, textarea') as HTMLElement).textContent), 'Skip to content');
    await page.getByRole('link', { name: 'Skip to content' }).focus();
    const box = await page.getByRole('link', { name: 'Skip to content' }).boundingBox();
    assert.ok(box && box.x >= 0 && box.y >= 0, JSON.stringify(box));
    // The tabs follow the ARIA pattern: arrow keys move the selection and the focus.
    await page.getByRole('tab', { name: 'Users' }).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByRole('tab', { name: 'Invites' }).getAttribute('aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Invites');
    await page.getByRole('tabpanel').getByText('No invites. Invite someone by email above.').waitFor();
  });

  it('creates a project, adds a member, creates a key and shows its value once', async () => {
    const s = server();
    await page.getByRole('link', { name: 'Projects' }).click();
    // An API error is shown naming its field (an empty name passes the browser, not the API).
    await page.getByLabel('New project name').fill(' ');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('link', { name: 'Projects' }).click();
    await page.getByLabel('New project name').fill('Browser project');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('table').getByRole('link', { name: 'Browser project' }).click();
    await page.getByRole('heading', { name: 'Browser project', level: 1 }).waitFor();
    const projectId = page.url().split('/').pop()!;
    assert.match(projectId, /^proj_/);
    await page.getByRole('tab', { name: 'Members' }).click();
    await page.getByLabel('User', { exact: true }).selectOption({ label: 'owner@example.com' });
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('table').getByText('owner@example.com').waitFor();

    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.getByLabel('Key name').fill('browser key');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByTestId('secret-value').inputValue();
    assert.match(secret, /^sk-proj-/);
    const keys = await s.get(`/v1/organization/projects/${projectId}/api_keys`);
    assert.equal(keys.body.data.length, 1);
    assert.equal(keys.body.data[0].name, 'browser key');
    assert.ok(secret.endsWith(keys.body.data[0].redacted_value.slice(-4)), 'the listed key is the one shown');
    await page.getByRole('table').getByText('browser key').waitFor();
    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal(await page.getByTestId('secret-value').count(), 0);
    await page.reload();
    await page.getByRole('heading', { name: 'Browser project', level: 1 }).waitFor();
    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.getByRole('table').getByText('browser key').waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the key is shown only once');
  });

  it('changes a rate limit and finds the change in the audit log', async () => {
    const s = server();
    const projectId = page.url().split('/').pop()!;
    await page.getByRole('tab', { name: 'Rate limits' }).click();
    await page.getByLabel('Filter models').fill('gpt-4o-mini');
    const field = page.getByLabel('Requests / min for gpt-4o-mini', { exact: true });
    // Above the organization's limit: the API's error is shown, naming the field.
    await field.fill('100000');
    await page.getByRole('button', { name: 'Save limits for gpt-4o-mini', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'max_requests_per_1_minute' }).waitFor();
    await field.fill('321');
    await page.getByRole('button', { name: 'Save limits for gpt-4o-mini', exact: true }).click();
    await page.getByText('Saved the limits of gpt-4o-mini').waitFor();
    const limits = await s.get(`/v1/organization/projects/${projectId}/rate_limits?limit=100`);
    const row = limits.body.data.find((r: any) => r.model === 'gpt-4o-mini');
    assert.equal(row.max_requests_per_1_minute, 321);

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.getByLabel('Event type').selectOption('rate_limit.updated');
    const event = page.getByRole('table').locator('tbody tr').first();
    await event.getByText('rate_limit.updated').waitFor();
    assert.match(await event.innerText(), /Browser project/);
    assert.match(await event.innerText(), /321/);
    assert.match(await event.innerText(), /owner@example\.com \(console\)/);
    assert.equal(await page.getByRole('table').locator('tbody tr').count(), 1);
  });

  it('pages through the audit log', async () => {
    const s = server();
    for (let i = 0; i < 22; i++) assert.equal((await s.post('/v1/organization/groups', { name: `Group ${i}` })).status, 200);
    await page.reload();
    await page.getByLabel('Event type').selectOption('');
    await page.getByRole('table').getByText('Group 21').waitFor();
    const first = await page.getByRole('table').locator('tbody tr').first().innerText();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2').waitFor();
    const second = await page.getByRole('table').locator('tbody tr').first().innerText();
    assert.notEqual(second, first);
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('Page 1').waitFor();
    assert.equal(await page.getByRole('table').locator('tbody tr').first().innerText(), first);
  });

  it('signs out: the session ends on the server too', async () => {
    const s = server();
    const cookie = (await page.context().cookies()).find((c) => c.name === 'orgplane_session')!;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin API key').waitFor();
    assert.equal((await page.context().cookies()).find((c) => c.name === 'orgplane_session'), undefined);
    const res = await fetch(`${s.baseUrl}/v1/organization/projects`, { headers: { cookie: `orgplane_session=${cookie.value}` } });
    assert.equal(res.status, 401);
    assert.deepEqual(errors, []);
  });
});
