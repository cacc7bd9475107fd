/**
 * tsx resolves `./Foo.node` to `Foo.node.json` (the codex file) before `Foo.node.ts`, so importing
 * a node class by its n8n file name fails under tsx (jest and tsc prefer the .ts file). Imported
 * first by the benchmark: for the package's own `*.node` specifiers, try the .ts file first.
 */
import Module from 'node:module';

type Resolve = (request: string, ...rest: unknown[]) => string;
const moduleWithResolver = Module as unknown as { _resolveFilename: Resolve };
const original = moduleWithResolver._resolveFilename;

moduleWithResolver._resolveFilename = function (
	this: unknown,
	request: string,
	...rest: unknown[]
) {
	if (request.startsWith('.') && request.endsWith('.node')) {
		try {
			return original.call(this, `${request}.ts`, ...rest);
		} catch {
			// Not a TypeScript node file: resolve as usual.
		}
	}
	return original.call(this, request, ...rest);
};
