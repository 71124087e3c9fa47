import { Type, type Static } from 'typebox';
import { After, Before, Const, CursorList, IdParam, Limit, named } from '../../../../platform/schemas.js';

const LimitValue = Type.Integer();

/** A project's limits for one model; fields that do not apply to the model are absent. */
export const ProjectRateLimit = named('ProjectRateLimit', Type.Object({
  object: Const('project.rate_limit'),
  id: Type.String(),
  model: Type.String(),
  max_requests_per_1_minute: LimitValue,
  max_tokens_per_1_minute: LimitValue,
  max_images_per_1_minute: Type.Optional(LimitValue),
  max_audio_megabytes_per_1_minute: Type.Optional(LimitValue),
  max_requests_per_1_day: Type.Optional(LimitValue),
  batch_1_day_max_input_tokens: Type.Optional(LimitValue),
}));
export type ProjectRateLimit = Static<typeof ProjectRateLimit>;

export const ProjectRateLimitList = named('ProjectRateLimitListResponse', CursorList(ProjectRateLimit));

export const RateLimitParams = Type.Object({
  project_id: IdParam('The ID of the project.'),
  rate_limit_id: IdParam('The ID of the rate limit (`rl-` followed by the model ID).'),
});

export const ListRateLimitsQuery = Type.Object({
  limit: Limit({ default: 100, maximum: 1000 }),
  after: Type.Optional(After()),
  before: Type.Optional(Before()),
});

const NewLimit = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

export const UpdateRateLimitBody = named('ProjectRateLimitUpdateRequest', Type.Object(
  {
    max_requests_per_1_minute: Type.Optional(NewLimit),
    max_tokens_per_1_minute: Type.Optional(NewLimit),
    max_images_per_1_minute: Type.Optional(NewLimit),
    max_audio_megabytes_per_1_minute: Type.Optional(NewLimit),
    max_requests_per_1_day: Type.Optional(NewLimit),
    batch_1_day_max_input_tokens: Type.Optional(NewLimit),
  },
  { additionalProperties: false },
));
export type UpdateRateLimitBody = Static<typeof UpdateRateLimitBody>;
