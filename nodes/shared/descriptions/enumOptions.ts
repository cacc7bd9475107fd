import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

function label(value: string): string {
	return value
		.toLowerCase()
		.split('_')
		.map((word) => word.charAt(0).toUpperCase() + word.slice(1))
		.join(' ');
}

/**
 * Dropdown options for one of the contract's open enums: the known values are offered, and
 * because the list is open, the parameter also takes any other value through an expression.
 */
export function enumOptions(values: readonly string[]): INodePropertyOptions[] {
	return values.map((value) => ({ name: label(value), value }));
}

export function openEnumHint(what: string): Pick<INodeProperties, 'description'> {
	return {
		description: `${what}. The list shows the values known today; INVERS may add more, which an expression can set.`,
	};
}
