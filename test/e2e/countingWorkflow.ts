/** The workflow the trigger suites count executions with, and the events they publish. */
import { PACKAGE_NAME } from './harness';

export const COUNTING_WORKFLOW_ID = 'inversE2eCount01';

/** INVERS Trigger → HTTP Request posting the event id to the receiver. */
export function countingWorkflow(queue: string, receiverUrl: string) {
	return {
		id: COUNTING_WORKFLOW_ID,
		name: 'INVERS e2e: count events',
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		tags: [],
		nodes: [
			{
				id: '7d0c2a5b-0000-4000-8000-000000000001',
				name: 'INVERS Trigger',
				type: `${PACKAGE_NAME}.inversTrigger`,
				typeVersion: 1,
				position: [0, 0],
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
				id: '7d0c2a5b-0000-4000-8000-000000000002',
				name: 'Record Event',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [240, 0],
				parameters: {
					method: 'POST',
					url: `${receiverUrl}/events`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody:
						'={{ JSON.stringify({ event_id: $json.eventId, redelivered: $json.redelivered }) }}',
					options: {},
				},
			},
		],
		connections: {
			'INVERS Trigger': { main: [[{ node: 'Record Event', type: 'main', index: 0 }]] },
		},
	};
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
