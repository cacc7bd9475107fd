import type { IDisplayOptions } from 'n8n-workflow';

/**
 * Parameters an AI agent fills. When a node is used as a tool, n8n builds the tool's input schema
 * from the `$fromAI(key, description, type)` calls in its parameters: the key and description are
 * all the model learns about a value. n8n's editor writes such a call when the user presses the
 * ✨ button of a parameter, with an empty description. The INVERS nodes instead preset, in their
 * tool variant only, the parameters an agent fills with a described call, so that the model is
 * told the format (an INVERS vehicle ID, not a licence plate) without the user writing it.
 */

/**
 * The comment n8n's editor puts in front of a `$fromAI` call it wrote: the editor then shows the
 * parameter as "defined automatically by the model" with its description editable, not as a raw
 * expression.
 */
const EDITOR_MARKER = '/*n8n-auto-generated-fromAI-override*/';

/** A parameter value the model fills, described for it. */
export function fromAi(
	key: string,
	description: string,
	type: 'string' | 'number' | 'boolean' = 'string',
): string {
	if (/[`\\]|\$\{/.test(description)) {
		// Inside the template literal of the call these would end or change the description.
		throw new Error(`A $fromAI description may not contain backticks, backslashes or "\${"`);
	}
	return `={{ ${EDITOR_MARKER} $fromAI('${key}', \`${description}\`, '${type}') }}`;
}

/**
 * The same display options, split into the node as it is (`@tool` false) and the node as an AI
 * agent's tool (`@tool` true: n8n's tool variant, whose type name ends in "Tool").
 */
export function forNodeAndTool(displayOptions: IDisplayOptions = {}): {
	node: IDisplayOptions;
	tool: IDisplayOptions;
} {
	const show = displayOptions.show ?? {};
	return {
		node: { ...displayOptions, show: { ...show, '@tool': [false] } },
		tool: { ...displayOptions, show: { ...show, '@tool': [true] } },
	};
}
