/**
 * How the served OpenAPI document describes the gateway's routes: metadata only (no body or
 * response schema, so nothing is validated or serialized on the hot path). Request and answer
 * bodies are OpenAI's own, forwarded as they come; the operation IDs are OpenAI's.
 */
export interface GatewayOperation {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security: Array<Record<string, string[]>>;
}

const security = [{ ProjectApiKeyAuth: [] }];
const tags = ['Gateway'];

const FORWARDED =
  'The body is forwarded to the upstream that serves the model as it came, and the answer (streamed or not) is relayed as the upstream sent it. ' +
  'Before forwarding, orgplane checks the key, the project\'s model and tool permissions, its rate limits and spend limits; the usage is recorded for the usage and costs endpoints.';

const operation = (operationId: string, summary: string, description: string): GatewayOperation => ({ operationId, summary, description, tags, security });
const model = (operationId: string, summary: string, what: string) => operation(operationId, summary, `${what} ${FORWARDED}`);

/** The model endpoints (POST), by path under /v1. */
const MODEL_OPERATIONS: Record<string, GatewayOperation> = {
  '/chat/completions': model('createChatCompletion', 'Create a chat completion', 'OpenAI\'s Chat Completions, for a project or service-account key.'),
  '/completions': model('createCompletion', 'Create a completion', 'OpenAI\'s legacy Completions, for a project or service-account key.'),
  '/responses': model('createResponse', 'Create a response', 'OpenAI\'s Responses; orgplane remembers which project created each stored response, so only that project reaches it later.'),
  '/embeddings': model('createEmbedding', 'Create embeddings', 'OpenAI\'s Embeddings, for a project or service-account key.'),
  '/moderations': model('createModeration', 'Create a moderation', 'OpenAI\'s Moderations; orgplane counts the input tokens itself, as the answer reports none.'),
  '/images/generations': model('createImage', 'Generate images', 'OpenAI\'s image generation, for a project or service-account key.'),
  '/images/edits': model('createImageEdit', 'Edit images', 'OpenAI\'s image edits (multipart/form-data), for a project or service-account key.'),
  '/audio/speech': model('createSpeech', 'Create speech', 'OpenAI\'s text to speech, for a project or service-account key.'),
  '/audio/transcriptions': model('createTranscription', 'Transcribe audio', 'OpenAI\'s transcriptions (multipart/form-data), for a project or service-account key.'),
  '/audio/translations': model('createTranslation', 'Translate audio', 'OpenAI\'s audio translations into English (multipart/form-data), for a project or service-account key.'),
};

/** The gateway's other routes, by method and path under /v1. */
const OTHER_OPERATIONS: Record<string, GatewayOperation> = {
  'GET /models': operation('listModels', 'List models',
    'Lists the models of orgplane\'s catalog that an upstream route serves and the key\'s project may use (its model permissions applied), answered by orgplane without calling an upstream.'),
  'GET /models/{model}': operation('retrieveModel', 'Get a model',
    'Returns one model the key\'s project may use; a model outside the catalog or not allowed for the project is 404.'),
  'GET /responses/{id}': operation('getResponse', 'Get a stored response',
    'Fetches a stored response from the upstream that created it, for the project that created it through orgplane only (any other project gets 404).'),
  'DELETE /responses/{id}': operation('deleteResponse', 'Delete a stored response',
    'Deletes a stored response at the upstream that created it, for the project that created it through orgplane only.'),
  'GET /responses/{id}/input_items': operation('listInputItems', 'List a response\'s input items',
    'Lists the input items of a stored response from its upstream, for the project that created it through orgplane only.'),
};

/** The document entry of a model endpoint (POST `path`). */
export function modelOperation(path: string): GatewayOperation {
  const operation = MODEL_OPERATIONS[path];
  if (!operation) throw new Error(`no OpenAPI description for the gateway endpoint ${path}`);
  return operation;
}

/** The document entry of another gateway route (`method`, `path` with `{param}`). */
export function gatewayOperation(method: 'GET' | 'DELETE', path: string): GatewayOperation {
  const operation = OTHER_OPERATIONS[`${method} ${path}`];
  if (!operation) throw new Error(`no OpenAPI description for the gateway route ${method} ${path}`);
  return operation;
}
