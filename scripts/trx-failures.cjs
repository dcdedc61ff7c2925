// Prints each failed test of a .trx file with the first lines of its message, so that a CI log that keeps
// only its tail still names what failed.   node scripts/trx-failures.cjs results.trx
const fs = require("fs");
const xml = fs.readFileSync(process.argv[2], "utf8");
const unescape = (s) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
const results = xml.match(/<UnitTestResult\b[\s\S]*?(?:<\/UnitTestResult>|\/>)/g) || [];
for (const result of results) {
  if (!/outcome="Failed"/.test(result.slice(0, result.indexOf(">")))) continue;
  const name = unescape((result.match(/testName="([^"]*)"/) || [])[1] || "?");
  const message = unescape((result.match(/<Message>([\s\S]*?)<\/Message>/) || [])[1] || "");
  console.log(`FAILED ${name}`);
  for (const line of message.split("\n").slice(0, 8)) console.log(`  ${line}`);
}
