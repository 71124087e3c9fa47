/** The hosted tools a project may be allowed or refused, as the API names them. */
export const HOSTED_TOOLS = ['file_search', 'web_search', 'image_generation', 'mcp', 'code_interpreter'] as const;
export type HostedTool = (typeof HOSTED_TOOLS)[number];

/**
 * The hosted tool a request's tool declaration uses, from its `type` (Responses and Chat
 * Completions spell some differently: `web_search_preview`, dated variants). `null`: not a hosted
 * tool (function tools, custom tools, …).
 */
export function hostedToolOf(type: unknown): HostedTool | null {
  if (typeof type !== 'string') return null;
  if (type === 'file_search') return 'file_search';
  if (type === 'web_search' || type.startsWith('web_search_')) return 'web_search';
  if (type === 'image_generation') return 'image_generation';
  if (type === 'mcp') return 'mcp';
  if (type === 'code_interpreter') return 'code_interpreter';
  return null;
}

/**
 * The hosted tools a Responses or Chat Completions request declares: each entry of `tools` by its
 * `type`, and Chat Completions' `web_search_options` as web search.
 */
export function declaredHostedTools(body: unknown): HostedTool[] {
  if (!body || typeof body !== 'object') return [];
  const found = new Set<HostedTool>();
  const { tools, web_search_options: webSearch } = body as { tools?: unknown; web_search_options?: unknown };
  if (Array.isArray(tools)) {
    for (const tool of tools) {
      const hosted = tool && typeof tool === 'object' ? hostedToolOf((tool as { type?: unknown }).type) : null;
      if (hosted) found.add(hosted);
    }
  }
  if (webSearch !== undefined && webSearch !== null) found.add('web_search');
  return [...found];
}
