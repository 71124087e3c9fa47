// Takes the screenshots in docs/console/ of every console page, with demo data:
//   npx tsx scripts/console-screenshots.ts
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { ensureConsoleBuilt, launchChromium } from '../test/console/browser.js';
import { startDemoServer } from './console-demo.js';

const OUT = 'docs/console';

async function main() {
  ensureConsoleBuilt();
  mkdirSync(OUT, { recursive: true });
  const server = await startDemoServer({ projects: 6, users: 14, keys: 18, records: 120_000, days: 31, seed: 7 });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const shot = async (name: string) => {
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: true });
      process.stderr.write(`${OUT}/${name}.png\n`);
    };
    const go = async (link: string, heading: string) => {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
    };
    const api = (path: string, body?: unknown) =>
      fetch(server.baseUrl + '/v1' + path, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined }).then((r) => r.json());

    // Some of everything, made through the API as a user would.
    const users = (await api('/organization/users?limit=100')).data;
    const group = await api('/organization/groups', { name: 'Platform team' });
    for (const u of users.slice(1, 5)) await api(`/organization/groups/${group.id}/users`, { user_id: u.id });
    await api('/organization/groups', { name: 'Data science' });
    await api('/organization/invites', { email: 'new.hire@example.com', role: 'reader' });
    await api('/organization/invites', { email: 'contractor@example.com', role: 'reader' });
    await api('/organization/roles', { role_name: 'Usage viewer', permissions: ['api.usage.read'], description: 'Reads usage and costs' });
    await api('/organization/admin_api_keys', { name: 'Terraform' });
    const pem = execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '365', '-subj', '/CN=orgplane demo CA', '-keyout', '/dev/null'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    await api('/organization/certificates', { name: 'Corporate CA', certificate: pem });

    await page.goto(`${server.baseUrl}/console/`);
    await shot('sign-in');
    await page.getByLabel('Admin API key').fill(server.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await page.locator('[data-testid=chart] canvas').first().waitFor();
    await shot('overview');

    await go('Usage and costs', 'Usage and costs');
    await page.locator('[data-testid=chart] canvas').waitFor();
    await shot('usage');
    await page.getByLabel('Kind').selectOption('costs');
    await page.getByLabel('Group by').selectOption('line_item');
    await page.getByTestId('usage-table').waitFor();
    await shot('costs');

    await go('Projects', 'Projects');
    await shot('projects');
    await page.getByRole('table').getByRole('link', { name: 'Support assistant' }).click();
    await page.getByRole('heading', { name: 'Support assistant', level: 1 }).waitFor();
    await shot('project-members');
    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.getByLabel('Key name').fill('screenshot key');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByTestId('secret-value').waitFor();
    await shot('project-api-keys');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('tab', { name: 'Rate limits' }).click();
    await page.getByLabel('Filter models').fill('gpt-4.1');
    await page.getByLabel('Requests / min for gpt-4.1', { exact: true }).fill('999999');
    await page.getByRole('button', { name: 'Save limits for gpt-4.1', exact: true }).click();
    await page.getByRole('alert').waitFor();
    await shot('project-rate-limits');

    await go('People', 'People');
    await shot('people-users');
    await page.getByRole('tab', { name: 'Invites' }).click();
    await page.getByRole('table').waitFor();
    await shot('people-invites');
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByRole('button', { name: 'Members' }).first().click();
    await page.getByRole('heading', { name: 'Members of Platform team' }).waitFor();
    await shot('people-groups');
    await page.getByRole('tab', { name: 'Roles' }).click();
    await page.getByRole('table').waitFor();
    await shot('people-roles');

    await go('Admin keys', 'Admin keys');
    await shot('admin-keys');
    await go('Certificates', 'Certificates');
    await shot('certificates');
    await go('Audit log', 'Audit log');
    await page.getByRole('table').waitFor();
    await shot('audit-log');

    await page.emulateMedia({ colorScheme: 'dark' });
    await go('Overview', 'Overview');
    await page.locator('[data-testid=chart] canvas').first().waitFor();
    await shot('overview-dark');
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
