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
    schema: { operationId: 'list-invites', tags, querystring: ListInvitesQuery, response: { 200: InviteList, ...errorResponses } },
  }, (req) => service.list(req.query));

  app.post('/organization/invites', {
    schema: { operationId: 'inviteUser', tags, body: InviteUserBody, response: { 200: Invite, ...errorResponses } },
  }, (req) => service.invite(principalOf(req), req.body));

  app.get('/organization/invites/:invite_id', {
    schema: { operationId: 'retrieve-invite', tags, params: InviteIdParams, response: { 200: Invite, ...errorResponses } },
  }, (req) => service.retrieve(req.params.invite_id));

  app.delete('/organization/invites/:invite_id', {
    schema: { operationId: 'delete-invite', tags, params: InviteIdParams, response: { 200: InviteDeleted, ...errorResponses } },
  }, (req) => service.delete(principalOf(req), req.params.invite_id));

  app.post('/organization/invites/:invite_id/accept', {
    schema: {
      operationId: 'accept-invite',
      tags: ['Extensions'],
      summary: 'Accept an invite on behalf of the invitee.',
      description: 'orgplane extension (OpenAI offers this only in its dashboard): accepts a pending, unexpired invite, creates the organization user with the invite\'s role and adds them to the invite\'s projects.',
      params: InviteIdParams,
      body: AcceptInviteBody,
      response: { 200: User, ...errorResponses },
    },
  }, (req) => service.accept(principalOf(req), req.params.invite_id, req.body));
}
