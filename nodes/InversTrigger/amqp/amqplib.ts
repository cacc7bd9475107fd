/**
 * The one module that imports amqplib, the package's documented runtime dependency: the INVERS
 * Events API speaks AMQP 0-9-1. Everything else imports the client and its types from here, so
 * the dependency stands in exactly one place (and n8n's scanner reports it once).
 */
export type { Channel, ChannelModel, ConsumeMessage, Options } from 'amqplib';
export { connect } from 'amqplib';
