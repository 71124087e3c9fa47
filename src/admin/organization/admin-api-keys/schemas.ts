import { Type, type Static } from 'typebox';
import { After, Const, CursorList, Deleted, IdParam, Limit, named, NullableInteger, NullableString, Order } from '../../../platform/schemas.js';

export const AdminApiKeyOwner = Type.Object({
  type: Type.String(),
  object: Type.String(),
  id: Type.String(),
  name: Type.String(),
  created_at: Type.Integer(),
  role: Type.String(),
});

const AdminApiKeyFields = {
  object: Const('organization.admin_api_key'),
  id: Type.String(),
  name: NullableString(),
  redacted_value: Type.String(),
  created_at: Type.Integer(),
  expires_at: NullableInteger(),
  last_used_at: NullableInteger(),
  owner: AdminApiKeyOwner,
};

export const AdminApiKey = named('AdminApiKey', Type.Object(AdminApiKeyFields));
export type AdminApiKey = Static<typeof AdminApiKey>;

export const AdminApiKeyCreated = named('AdminApiKeyCreateResponse', Type.Object({ ...AdminApiKeyFields, value: Type.String() }));
export const AdminApiKeyList = named('ApiKeyList', CursorList(AdminApiKey));
export const AdminApiKeyDeleted = named('AdminApiKeyDeleteResponse', Deleted('organization.admin_api_key.deleted'));

export const KeyIdParams = Type.Object({ key_id: IdParam('The ID of the API key.') });

export const ListAdminApiKeysQuery = Type.Object({
  after: Type.Optional(After()),
  order: Order(),
  limit: Limit(),
});

export const CreateAdminApiKeyBody = named('AdminApiKeyCreateRequest', Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    expires_in_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 31536000 })),
  },
  { additionalProperties: false },
));
export type CreateAdminApiKeyBody = Static<typeof CreateAdminApiKeyBody>;
