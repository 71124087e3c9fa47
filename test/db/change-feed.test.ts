import assert from 'node:assert/strict';
import { it } from 'node:test';
import { readChangeVersions } from '../../src/platform/db/changes.js';
import { createProject, seedUser } from '../helpers/fixtures.js';
import { forEachDialect } from '../helpers/harness.js';

forEachDialect('change feed: what announces a change to the in-memory key table', (server) => {
  it('inserting a project, user or group announces nothing; keys, memberships and archiving do', async () => {
    const s = server();
    const versions = () => readChangeVersions(s.database).then((v) => v.access);
    const start = await versions();
    const projectId = await createProject(s, 'Quiet');
    const user = await seedUser(s, { name: 'Quiet user' });
    assert.equal((await s.post('/v1/organization/groups', { name: 'Quiet group' })).status, 200);
    assert.equal((await s.post(`/v1/organization/projects/${projectId}`, { name: 'Quiet, renamed' })).status, 200);
    assert.equal(await versions(), start, 'no key can depend on a new project, user or group, nor on a project name');

    assert.equal((await s.post(`/v1/organization/projects/${projectId}/users`, { user_id: user.id, role: 'member' })).status, 200);
    const afterMember = await versions();
    assert.notEqual(afterMember, start, 'a membership announces');
    assert.equal((await s.post(`/v1/organization/projects/${projectId}/api_keys`, { name: 'k', user_id: user.id })).status, 200);
    const afterKey = await versions();
    assert.notEqual(afterKey, afterMember, 'a key announces');
    assert.equal((await s.post(`/v1/organization/projects/${projectId}/archive`)).status, 200);
    assert.notEqual(await versions(), afterKey, 'archiving a project announces');
  });
});
