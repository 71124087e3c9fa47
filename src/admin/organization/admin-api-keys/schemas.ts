import { Type, type Static } from 'typebox';
import { After, Const, CursorList, Deleted, IdParam, Limit, NullableInteger, NullableString, Order } from '../../../platform/schemas.js';

export const AdminApiKeyOwner = Type.Object({
  type: Type.String(),
  object: Type.String(),
  id: Type.String(),
  name: Type.String(),
  created_at: Type.Integer(),
  role: Type.String(),
});

export const AdminApiKey = Type.Object({
  object: Const('organization.admin_api_key'),
  id: Type.String(),
  name: NullableString(),
  redacted_value: Type.String(),
  created_at: Type.Integer(),
  expires_at: NullableInteger(),
  last_used_at: NullableInteger(),
  owner: AdminApiKeyOwner,
});
export type AdminApiKey = Static<typeof AdminApiKey>;

export const AdminApiKeyCreated = Type.Object({ ...AdminApiKey.properties, value: Type.String() });
export const AdminApiKeyList = CursorList(AdminApiKey);
export const AdminApiKeyDeleted = Deleted('organization.admin_api_key.deleted');

export const KeyIdParams = Type.Object({ key_id: IdParam('The ID of the API key.') });

export const ListAdminApiKeysQuery = Type.Object({
  after: Type.Optional(After()),
  order: Order(),
  limit: Limit(),
});

export const CreateAdminApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    expires_in_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 31536000 })),
  },
  { additionalProperties: false },
);
export type CreateAdminApiKeyBody = Static<typeof CreateAdminApiKeyBody>;
