import type { CredentialPart } from '../../shared/credentialTest';
import { amqpTargetFromCredential, openConnection } from './connect';

/**
 * The event consumer part of the credential test: one AMQP login with the consumer's username
 * and password, closed at once. It needs the trigger's AMQP client, so it lives with the trigger.
 */
export const eventConsumerPart: CredentialPart = {
	label: 'Events (AMQP)',
	fields: 'the event consumer login',
	isFilled: (data) => String(data.amqpUsername ?? '') !== '',
	check: async (_context, data) => {
		try {
			const target = amqpTargetFromCredential(data);
			const connection = await openConnection(target, 'n8n INVERS credential test');
			await connection.close().catch(() => undefined);
			return { works: 'event consumer login' };
		} catch (error) {
			return { error: (error as Error).message };
		}
	},
};
