import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { VersionedNodeType } from 'n8n-workflow';

import { descriptionV1, descriptionV2, subtitleV2 } from './actions/vehicle';
import { CommandsVersion } from './commandsVersion';

/**
 * Version 1's subtitle: the command, or for one set by an expression the expression's text (the
 * editor computes the subtitle without input data, so evaluating `{{ $json.command }}` there
 * would fail and leave it blank).
 */
const SUBTITLE_V1 =
	'={{ String(($rawParameter["command"] === "other" ? $rawParameter["commandName"] : $rawParameter["command"]) || "").replace(/^=\\s*/, "command: ") }}';

/**
 * INVERS Vehicle Commands. Version 2 (the default for new nodes) makes every command an operation
 * of its own; version 1, one "Send Command" operation with a Command dropdown, keeps running the
 * workflows saved with it.
 *
 * Each version has a description of its own rather than one description with `@version`
 * conditions: n8n derives an AI tool's name and description from the first "operation"
 * parameter of the description, whatever the node's version, so two operation parameters in one
 * description would give version 1's tools version 2's wording, or the reverse. n8n loads this
 * file and resolves every version's icon from here.
 */
export class InversVehicleCommands extends VersionedNodeType {
	constructor() {
		const baseDescription: INodeTypeBaseDescription = {
			displayName: 'INVERS Vehicle Commands',
			name: 'inversVehicleCommands',
			icon: { light: 'file:../../icons/invers.svg', dark: 'file:../../icons/invers.dark.svg' },
			group: ['transform'],
			description:
				'Send commands to the vehicles of an INVERS fleet: lock and unlock, enable and disable driving, top case, battery compartment, draw attention, request state',
			defaultVersion: 2,
		};
		const nodeVersions: IVersionedNodeType['nodeVersions'] = {
			1: new CommandsVersion(baseDescription, 1, SUBTITLE_V1, descriptionV1),
			2: new CommandsVersion(baseDescription, 2, subtitleV2, descriptionV2),
		};
		super(nodeVersions, baseDescription);
	}
}
