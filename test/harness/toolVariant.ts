import type { INode, INodeParameters, INodeType, INodeTypeDescription } from 'n8n-workflow';
import {
	NodeConnectionTypes,
	NodeHelpers,
	nodeNameToToolName,
	VersionedNodeType,
} from 'n8n-workflow';
import { getSchema } from 'n8n-core/dist/execution-engine/node-execution-context/utils/create-node-as-tool';

import { nodeTypes, PACKAGE, registerNodeType } from './nodeTypes';

/**
 * A node type as n8n offers it to AI agents. n8n makes the tool variant of a `usableAsTool` node
 * in its own package (`convertNodeToAiTool`, not installed for unit tests): the same description,
 * its name ending in "Tool" (which `@tool` display options test), no inputs, an AI tool output.
 * The end-to-end test (agent.e2e.test.ts) checks the real one in n8n.
 */
export function toolDescriptionOf(node: string, version?: number): INodeTypeDescription {
	const { description } = nodeTypes.getByNameAndVersion(`${PACKAGE}.${node}`, version);
	return {
		...description,
		name: `${description.name}Tool`,
		displayName: `${description.displayName} Tool`,
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
	};
}

/** A tool node as the editor adds it: parameters with every default, named after its action. */
export function toolNode(
	node: string,
	parameters: INodeParameters,
	version?: number,
): { node: INode; toolName: string; toolDescription: string } {
	const description = toolDescriptionOf(node, version);
	const typeVersion = version ?? (description.defaultVersion as number | undefined) ?? 1;
	const draft: INode = {
		id: 'tool',
		name: 'tool',
		type: `${PACKAGE}.${description.name}`,
		typeVersion,
		position: [0, 0],
		parameters,
	};
	const withDefaults = NodeHelpers.getNodeParameters(
		description.properties,
		parameters,
		true,
		false,
		draft,
		description,
	)!;
	const name = NodeHelpers.makeNodeName(withDefaults, description);
	const toolNode = { ...draft, name, parameters: withDefaults };
	return {
		node: toolNode,
		toolName: nodeNameToToolName(toolNode),
		toolDescription: NodeHelpers.getToolDescriptionForNode(toolNode, {
			description,
		} as INodeType),
	};
}

/** The input schema n8n gives the model for a tool node: key → { type, description }. */
export function toolSchema(node: INode): Record<string, { type: string; description?: string }> {
	const shape = getSchema(node).shape as Record<
		string,
		{ description?: string; _def: { typeName: string } }
	>;
	return Object.fromEntries(
		Object.entries(shape).map(([key, value]) => [
			key,
			{ type: value._def.typeName, description: value.description },
		]),
	);
}

/**
 * Registers `<node>Tool`, the node's own code under its tool variant's name, so that a test run
 * resolves the parameters the way a tool node does (its `@tool` defaults, `$fromAI` from the
 * input item). Returns the node name to run.
 */
export function registerToolVariant(node: string): string {
	const original = nodeTypes.getByName(`${PACKAGE}.${node}`);
	const rename = (type: INodeType): INodeType => {
		const renamed = Object.create(type) as INodeType;
		renamed.description = { ...type.description, name: `${type.description.name}Tool` };
		return renamed;
	};
	const variant =
		original instanceof VersionedNodeType
			? new VersionedNodeType(
					Object.fromEntries(
						Object.entries(original.nodeVersions).map(([version, type]) => [version, rename(type)]),
					),
					{ ...original.description, name: `${original.description.name}Tool` },
				)
			: rename(original as INodeType);
	registerNodeType(`${PACKAGE}.${node}Tool`, variant);
	return `${node}Tool`;
}
