/** The workflow the trigger suites count executions with, and the events they publish. */
import { PACKAGE_NAME } from './harness';
import { linearWorkflow } from './linearWorkflow';

export const COUNTING_WORKFLOW_ID = 'inversE2eCount01';

/** INVERS Trigger → HTTP Request posting the event id to the receiver. */
export function countingWorkflow(queue: string, receiverUrl: string) {
	return linearWorkflow(COUNTING_WORKFLOW_ID, 'INVERS e2e: count events', [
		{
			name: 'INVERS Trigger',
			type: `${PACKAGE_NAME}.inversTrigger`,
			typeVersion: 1,
			parameters: {
				queues: queue,
				eventTypeMode: 'all',
				ackMode: 'executionFinished',
				simplify: true,
				includeVehicle: false,
				filters: {},
				options: { prefetch: 5, closeTimeout: 30 },
			},
			credentials: {
				inversOneApi: { id: 'inversSandbox001', name: 'INVERS OneAPI (local simulator)' },
			},
		},
		{
			name: 'Record Event',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: {
				method: 'POST',
				url: `${receiverUrl}/events`,
				sendBody: true,
				specifyBody: 'json',
				jsonBody:
					'={{ JSON.stringify({ event_id: $json.event_id, redelivered: $json.redelivered }) }}',
				options: {},
			},
		},
	]);
}

export function stateEvent(id: string, vehicleId = 'E2E01') {
	const at = new Date().toISOString();
	return {
		metadata: {
			id,
			type: 'VehicleStateRecorded',
			schema_major_version: 1,
			occurred_at: at,
			flow_id: `flow-${id}`,
		},
		data: {
			vehicle_id: vehicleId,
			vehicle_state: { state_of_charge_or_fuel_level_in_percent: { timestamp: at, value: 50 } },
		},
	};
}
