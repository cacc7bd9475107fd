import net from 'node:net';

/** Whether something already listens on 127.0.0.1:port. */
export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ port, host });
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/** Fails with a message that names the port, what it is for, and how to choose another. */
export async function requireFreePort(port: number, purpose: string, flag: string): Promise<void> {
	if (await portInUse(port)) {
		throw new Error(
			`Port ${port} (${purpose}) is already in use on 127.0.0.1: stop what runs there or choose another port with ${flag}.`,
		);
	}
}

/** A port nothing listens on right now, chosen by the system. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}
