import { PROJECT_ROLES } from '../../../core/access/roles.js';
import { Type, type Static } from 'typebox';
import { After, Const, CursorList, Deleted, IdParam, Limit, named, NullableInteger, StringEnum } from '../../../platform/schemas.js';
import { ORG_ROLES } from '../users/schemas.js';

export const INVITE_STATUSES = ['accepted', 'expired', 'pending'] as const;

/** How long an invite can be accepted: 7 days. */
export const INVITE_TTL_SECONDS = 7 * 24 * 3600;

const InviteProject = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 256, description: "The project's ID." }),
    role: StringEnum(PROJECT_ROLES, { description: 'Project membership role.' }),
  },
  { additionalProperties: false },
);

export const Invite = named('Invite', Type.Object({
  object: Const('organization.invite'),
  id: Type.String(),
  email: Type.String(),
  role: StringEnum(ORG_ROLES),
  status: StringEnum(INVITE_STATUSES),
  created_at: Type.Integer(),
  expires_at: NullableInteger(),
  accepted_at: NullableInteger(),
  projects: Type.Array(Type.Object({ id: Type.String(), role: StringEnum(PROJECT_ROLES) })),
}));
export type Invite = Static<typeof Invite>;
export type InviteProject = Invite['projects'][number];

export const InviteList = named('InviteListResponse', CursorList(Invite));
export const InviteDeleted = named('InviteDeleteResponse', Deleted('organization.invite.deleted'));

export const InviteIdParams = Type.Object({ invite_id: IdParam('The ID of the invite.') });

export const ListInvitesQuery = Type.Object({
  limit: Limit(),
  after: Type.Optional(After()),
});

export const InviteUserBody = named('InviteRequest', Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320, description: 'The email address to invite.' }),
    role: StringEnum(ORG_ROLES, { description: '`owner` or `reader`.' }),
    projects: Type.Optional(Type.Array(InviteProject, {
      maxItems: 100,
      description: 'Projects joined on acceptance. Omitted: the Default project as member. Empty: none.',
    })),
  },
  { additionalProperties: false },
));
export type InviteUserBody = Static<typeof InviteUserBody>;

export const AcceptInviteBody = named('AcceptInviteRequest', Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 256, description: "The new user's name." }) },
  { additionalProperties: false },
));
export type AcceptInviteBody = Static<typeof AcceptInviteBody>;
