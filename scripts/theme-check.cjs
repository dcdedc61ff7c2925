// Shopify's theme-check on a theme app extension, with Shopify's rules for app extensions
// (theme-check:theme-app-extension): missing or unmatched translations, unknown filters and objects, schema errors,
// asset sizes. Prints {"files": n, "offenses": [...]} and exits 1 when there is any offense.
//   node scripts/theme-check.cjs [extension folder]   (default: extensions/storybook-personalizer)
// Installed by scripts/test.sh into .tools (npm @shopify/theme-check-node).
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const { themeCheckRun } = require(require.resolve('@shopify/theme-check-node', { paths: [path.join(root, '.tools')] }));

(async () => {
  const extension = path.resolve(process.argv[2] || path.join(root, 'extensions', 'storybook-personalizer'));
  // The config lives outside the extension (a deployed extension holds only its own folders).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theme-check-'));
  const config = path.join(dir, 'theme-check.yml');
  fs.writeFileSync(config, 'extends: theme-check:theme-app-extension\n');
  try {
    const run = await themeCheckRun(extension, config);
    const offenses = run.offenses.map(o => ({
      check: o.check, severity: o.severity, file: path.relative(extension, new URL(o.uri).pathname),
      line: o.start ? o.start.line + 1 : null, message: o.message,
    }));
    console.log(JSON.stringify({ files: run.theme.length, offenses }, null, 1));
    process.exitCode = offenses.length === 0 ? 0 : 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
})().catch(e => { console.error(e); process.exitCode = 2; });
