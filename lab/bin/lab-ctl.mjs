#!/usr/bin/env node
// The lab's restart / rollback command for the app service (services.<app>.restart and .rollback
// in each scenario's warroom.yaml): asks the running lab (lab/stack.ts) to restart its app, as
// "systemctl restart" or a deploy script would. Usage: lab-ctl.mjs CONTROL_URL restart|rollback [VERSION]
const [url, what, version] = process.argv.slice(2);
if (!url || !['restart', 'rollback'].includes(what) || (what === 'rollback' && !version)) {
  console.error('usage: lab-ctl.mjs CONTROL_URL restart|rollback [VERSION]');
  process.exit(2);
}
const target = `${url}/${what}${version ? `?version=${encodeURIComponent(version)}` : ''}`;
const res = await fetch(target, { method: 'POST', signal: AbortSignal.timeout(60_000) });
const text = await res.text();
process.stdout.write(text);
process.exit(res.ok ? 0 : 1);
