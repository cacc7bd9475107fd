const { parallel, src, dest } = require('gulp');

// n8n loads icons and each node's codex file (<Node>.node.json) from files next to the compiled
// code; tsc copies neither, so they are copied into dist/ here.
function buildIcons() {
	return src('icons/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/icons'));
}

function copyCodexFiles() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

exports['build:icons'] = parallel(buildIcons, copyCodexFiles);
