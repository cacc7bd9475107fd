import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { LICENSE_PLATE_MAX_LENGTH, VIN_PATTERN } from './contract';

/** A parameter value the node refuses before sending anything. */
export interface InvalidField {
	/** The field as the user sees it, e.g. "Vehicle" or "Master Data → VIN". */
	field: string;
	/** What the field held; leave it out for secrets. */
	value?: unknown;
	/** What the field accepts, as a sentence. */
	allowed: string;
	/** The parameter's path in the node (e.g. "vehicle"), so n8n can point at it. */
	parameter?: string;
}

/** Long values are cut in error details: an item's whole CSV row is not needed to spot the mistake. */
const MAX_VALUE_LENGTH = 200;

function shownValue(value: unknown): string {
	const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
	return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH)}… (cut)` : text;
}

/**
 * The error for a refused field: the message names the field, the description says what is
 * allowed, and the facts (field, value, allowed) travel in the error's context, from where a
 * "Continue On Fail" error item takes them as its `details`.
 */
export function invalidFieldError(
	context: IExecuteFunctions,
	itemIndex: number,
	message: string,
	invalid: InvalidField,
): NodeOperationError {
	const error = new NodeOperationError(context.getNode(), message, {
		itemIndex,
		description: invalid.allowed,
	});
	const facts: IDataObject = { field: invalid.field, allowed: invalid.allowed };
	if ('value' in invalid) facts.value = shownValue(invalid.value);
	error.context.invalidField = facts;
	if (invalid.parameter) error.context.parameter = invalid.parameter;
	return error;
}

/** The facts of a refused field carried by `error`, if it is one. */
export function invalidFieldOf(error: unknown): IDataObject | undefined {
	const context = (error as { context?: IDataObject } | undefined)?.context;
	const facts = context?.invalidField;
	return facts && typeof facts === 'object' ? (facts as IDataObject) : undefined;
}

const VIN_ALLOWED =
	'A VIN has exactly 17 characters, digits and capital letters without I, O and Q (ISO 3779).';

/** Checks what INVERS would reject anyway, before anything is sent, naming the field. */
export function validateMasterData(
	this: IExecuteFunctions,
	masterData: Record<string, unknown>,
	itemIndex: number,
): void {
	const vin = masterData.vin;
	if (vin !== undefined && (typeof vin !== 'string' || !VIN_PATTERN.test(vin))) {
		throw invalidFieldError(
			this,
			itemIndex,
			`The field "VIN" holds "${String(vin)}", which is not a VIN: a VIN has exactly 17 characters, digits and capital letters without I, O and Q (ISO 3779)`,
			{ field: 'VIN', value: vin, allowed: VIN_ALLOWED, parameter: 'masterData.vin' },
		);
	}
	const plate = masterData.license_plate;
	if (
		plate !== undefined &&
		(typeof plate !== 'string' || plate.length > LICENSE_PLATE_MAX_LENGTH)
	) {
		throw invalidFieldError(
			this,
			itemIndex,
			`The field "License Plate" is too long: at most ${LICENSE_PLATE_MAX_LENGTH} characters are allowed, it has ${String(plate).length}`,
			{
				field: 'License Plate',
				value: plate,
				allowed: `At most ${LICENSE_PLATE_MAX_LENGTH} characters.`,
				parameter: 'masterData.license_plate',
			},
		);
	}
}

/** Splits a comma-separated list as users type it ("a, b,,c") into clean entries. */
export function splitList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map((entry) => String(entry).trim()).filter(Boolean);
	if (typeof value !== 'string') return [];
	return value
		.split(',')
		.map((entry) => entry.trim())
		.filter(Boolean);
}
