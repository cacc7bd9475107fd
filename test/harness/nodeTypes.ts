import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes, VersionedNodeType } from 'n8n-workflow';

import { InversVehicleCommands } from '../../nodes/InversVehicleCommands/InversVehicleCommands.node';
import { InversVehicleLifecycle } from '../../nodes/InversVehicleLifecycle/InversVehicleLifecycle.node';
import { InversVehicleManagement } from '../../nodes/InversVehicleManagement/InversVehicleManagement.node';

/** Start node of test workflows: emits the items given in its `items` parameter. */
class TestItems implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Items',
		name: 'testItems',
		group: ['input'],
		version: 1,
		description: 'Emits the items of its parameter',
		defaults: { name: 'Test Items' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string | object[];
		const items = (typeof raw === 'string' ? JSON.parse(raw) : raw) as object[];
		return [items.map((json) => ({ json: json as INodeExecutionData['json'] }))];
	}
}

export const PACKAGE = 'n8n-nodes-invers-oneapi';

const registry: Record<string, INodeType | IVersionedNodeType> = {
	'test.items': new TestItems(),
	[`${PACKAGE}.inversVehicleManagement`]: new InversVehicleManagement(),
	[`${PACKAGE}.inversVehicleLifecycle`]: new InversVehicleLifecycle(),
	[`${PACKAGE}.inversVehicleCommands`]: new InversVehicleCommands(),
};

export function registerNodeType(type: string, node: INodeType | IVersionedNodeType): void {
	registry[type] = node;
}

export const nodeTypes: INodeTypes = {
	getByName(type: string): INodeType | IVersionedNodeType {
		const node = registry[type];
		if (!node) throw new Error(`Unknown node type ${type}`);
		return node;
	},
	getByNameAndVersion(type: string, version?: number): INodeType {
		const node = registry[type];
		if (!node) throw new Error(`Unknown node type ${type}`);
		// A node with versions of its own (INVERS Vehicle Commands) is asked for the saved one.
		return node instanceof VersionedNodeType ? node.getNodeType(version) : (node as INodeType);
	},
	getKnownTypes() {
		return {};
	},
};
