// Runs the graphql-http server audits (the GraphQL-over-HTTP spec's test suite) against a
// running server: `node audit.mjs http://127.0.0.1:8080/graphql`.
//
// Prints one JSON object per audit on standard output ({id, name, status, reason}) so the
// Rust test can report every failure; exits 1 when any MUST audit fails, 2 on usage errors.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL (e.g. http://127.0.0.1:8080/graphql)');
  process.exit(2);
}

let mustFailures = 0;
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  const line = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    line.reason = result.reason;
    if (result.status === 'error') mustFailures += 1;
  }
  console.log(JSON.stringify(line));
}
process.exit(mustFailures === 0 ? 0 : 1);
