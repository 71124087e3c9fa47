import { Type, type Static } from 'typebox';
import { Const, named, StringEnum } from '../../../../platform/schemas.js';

export const MODEL_PERMISSION_MODES = ['allow_list', 'deny_list'] as const;

export const UpdateModelPermissionsBody = named('ProjectModelPermissionsUpdateRequest', Type.Object(
  {
    mode: StringEnum(MODEL_PERMISSION_MODES),
    model_ids: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 1000 }),
  },
  { additionalProperties: false },
));
export type UpdateModelPermissionsBody = Static<typeof UpdateModelPermissionsBody>;

export const ModelPermissions = named('ProjectModelPermissions', Type.Object({
  object: Const('project.model_permissions'),
  mode: StringEnum(MODEL_PERMISSION_MODES),
  model_ids: Type.Array(Type.String()),
}));
export type ModelPermissions = Static<typeof ModelPermissions>;

export const ModelPermissionsDeleted = named('ProjectModelPermissionsDeleteResponse', Type.Object({ object: Const('project.model_permissions.deleted'), deleted: Type.Boolean() }));
