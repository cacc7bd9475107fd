import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { LICENSE_PLATE_MAX_LENGTH, VIN_PATTERN } from './contract';

/** Checks what INVERS would reject anyway, before anything is sent, naming the field. */
export function validateMasterData(
	this: IExecuteFunctions,
	masterData: Record<string, unknown>,
	itemIndex: number,
): void {
	const vin = masterData.vin;
	if (vin !== undefined && (typeof vin !== 'string' || !VIN_PATTERN.test(vin))) {
		throw new NodeOperationError(
			this.getNode(),
			`The field "VIN" holds "${String(vin)}", which is not a VIN: a VIN has exactly 17 characters, digits and capital letters without I, O and Q (ISO 3779)`,
			{ itemIndex },
		);
	}
	const plate = masterData.license_plate;
	if (
		plate !== undefined &&
		(typeof plate !== 'string' || plate.length > LICENSE_PLATE_MAX_LENGTH)
	) {
		throw new NodeOperationError(
			this.getNode(),
			`The field "License Plate" is too long: at most ${LICENSE_PLATE_MAX_LENGTH} characters are allowed, it has ${String(plate).length}`,
			{ itemIndex },
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
