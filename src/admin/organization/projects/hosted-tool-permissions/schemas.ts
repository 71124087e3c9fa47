import { Type, type Static } from 'typebox';
import { HOSTED_TOOLS } from '../../../../core/policies/tools.js';
import { named } from '../../../../platform/schemas.js';

const Permission = Type.Object({ enabled: Type.Boolean() });
const PermissionUpdate = Type.Unsafe<{ enabled: boolean } | null>({
  anyOf: [{ type: 'object', properties: { enabled: { type: 'boolean' } }, required: ['enabled'], additionalProperties: false }, { type: 'null' }],
});

export const HostedToolPermissions = named('ProjectHostedToolPermissions', Type.Object({
  file_search: Permission,
  web_search: Permission,
  image_generation: Permission,
  mcp: Permission,
  code_interpreter: Permission,
}));
export type HostedToolPermissions = Static<typeof HostedToolPermissions>;

/** Partial update: tools left out (or null) keep their setting. */
export const UpdateHostedToolPermissionsBody = named('ProjectHostedToolPermissionsUpdateRequest', Type.Object(
  Object.fromEntries(HOSTED_TOOLS.map((tool) => [tool, Type.Optional(PermissionUpdate)])) as Record<(typeof HOSTED_TOOLS)[number], ReturnType<typeof Type.Optional<typeof PermissionUpdate>>>,
  { additionalProperties: false },
));
export type UpdateHostedToolPermissionsBody = Partial<Record<(typeof HOSTED_TOOLS)[number], { enabled: boolean } | null>>;
