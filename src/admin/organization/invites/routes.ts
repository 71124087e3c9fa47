import type { App } from '../../app-type.js';
import { principalOf } from '../../auth.js';
import type { AdminServices } from '../../services.js';
import { errorResponses } from '../../../platform/schemas.js';
import { User } from '../users/schemas.js';
import { AcceptInviteBody, Invite, InviteDeleted, InviteIdParams, InviteList, InviteUserBody, ListInvitesQuery } from './schemas.js';

const tags = ['Invites'];

export default function invitesRoutes(app: App, services: AdminServices): void {
  const service = services.invites;

  app.get('/organization/invites', {
    schema: {
      operationId: 'list-invites',
      summary: 'List invites',
      description: 'Returns the organization\'s invites in creation order, whether pending, accepted or expired (invites expire after 7 days).',
      tags, querystring: ListInvitesQuery, response: { 200: InviteList, ...errorResponses },
    },
  }, (req) => service.list(req.query));

  app.post('/organization/invites', {
    schema: {
      operationId: 'inviteUser',
      summary: 'Invite a user',
      description:
        'Records an invite for an email address with an organization role and the projects to join on acceptance (the Default project as member when `projects` is left out). orgplane sends no email; the invite is accepted through the accept extension. ' +
        'The change and its audit event (`invite.sent`) commit in one transaction.',
      tags, body: InviteUserBody, response: { 200: Invite, ...errorResponses },
    },
  }, (req) => service.invite(principalOf(req), req.body));

  app.get('/organization/invites/:invite_id', {
    schema: {
      operationId: 'retrieve-invite',
      summary: 'Get an invite',
      description: 'Returns one invite with its current status.',
      tags, params: InviteIdParams, response: { 200: Invite, ...errorResponses },
    },
  }, (req) => service.retrieve(req.params.invite_id));

  app.delete('/organization/invites/:invite_id', {
    schema: {
      operationId: 'delete-invite',
      summary: 'Delete an invite',
      description:
        'Withdraws a pending or expired invite; accepted invites stay in the history and cannot be deleted. ' +
        'The change and its audit event (`invite.deleted`) commit in one transaction.',
      tags, params: InviteIdParams, response: { 200: InviteDeleted, ...errorResponses },
    },
  }, (req) => service.delete(principalOf(req), req.params.invite_id));

  app.post('/organization/invites/:invite_id/accept', {
    schema: {
      operationId: 'accept-invite',
      summary: 'Accept an invite',
      description:
        'orgplane extension (OpenAI offers this only in its dashboard): accepts a pending, unexpired invite on behalf of the invitee, creating the organization user with the invite\'s role and adding them to its projects. ' +
        'The change and its audit event (`invite.accepted`) commit in one transaction.',
      tags: [...tags, 'Extensions'],
      params: InviteIdParams,
      body: AcceptInviteBody,
      response: { 200: User, ...errorResponses },
    },
  }, (req) => service.accept(principalOf(req), req.params.invite_id, req.body));
}
