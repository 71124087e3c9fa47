import { Type, type Static } from 'typebox';
import { After, Const, CursorList, IdParam, Limit, named, NullableInteger, NullableString, StringEnum } from '../../../platform/schemas.js';

export const RESIDENCIES = [
  'GLOBAL', 'US_STORAGE_PROCESSING', 'EU_STORAGE_PROCESSING', 'JP_STORAGE', 'KR_STORAGE', 'CA_STORAGE',
  'SG_STORAGE', 'IN_STORAGE', 'AU_STORAGE', 'GB_STORAGE', 'AE_STORAGE', 'AE_STORAGE_PROCESSING',
] as const;

export const Project = named('Project', Type.Object({
  id: Type.String(),
  object: Const('organization.project'),
  name: NullableString(),
  created_at: Type.Integer(),
  archived_at: NullableInteger(),
  status: NullableString(),
  external_key_id: NullableString(),
  residency: Type.Optional(StringEnum(RESIDENCIES)),
}));
export type Project = Static<typeof Project>;

export const ProjectList = named('ProjectListResponse', CursorList(Project));

export const ProjectIdParams = Type.Object({ project_id: IdParam('The ID of the project.') });

export const ListProjectsQuery = Type.Object({
  limit: Limit(),
  after: Type.Optional(After()),
  include_archived: Type.Boolean({ default: false }),
});

const Name = Type.String({ minLength: 1, maxLength: 256, description: 'The friendly name of the project.' });

export const CreateProjectBody = named('ProjectCreateRequest', Type.Object(
  {
    name: Name,
    residency: Type.Optional(Type.Unsafe<(typeof RESIDENCIES)[number] | null>({ type: ['string', 'null'], enum: [...RESIDENCIES, null] })),
    external_key_id: Type.Optional(NullableString({ maxLength: 256 })),
  },
  { additionalProperties: false },
));
export type CreateProjectBody = Static<typeof CreateProjectBody>;

export const UpdateProjectBody = named('ProjectUpdateRequest', Type.Object(
  {
    name: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], minLength: 1, maxLength: 256 })),
    external_key_id: Type.Optional(NullableString({ maxLength: 256 })),
  },
  { additionalProperties: false },
));
export type UpdateProjectBody = Static<typeof UpdateProjectBody>;
