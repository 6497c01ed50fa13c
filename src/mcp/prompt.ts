/**
 * The seed's 5-minute triage as a prompt: the same minutes, each step naming the warroom tool
 * that does it. Tools that another area has not shipped yet are named by what to use instead.
 */
export function triagePromptText(args: { incident?: string; symptom?: string }, allowRemediation: boolean): string {
  const inc = args.incident?.trim();
  const id = inc || 'INC-N';
  const lines = [
    inc
      ? `Run the first five minutes of incident ${inc} with the warroom tools. Read it first with show_incident.`
      : `Something is wrong${args.symptom ? `: "${args.symptom.trim()}"` : ''}. Run the first five minutes of the response with the warroom tools.`,
    '',
    'MINUTE 0-1: Acknowledge and classify',
    inc
      ? `- Check the severity against the seed's table (SEV1 complete outage, SEV2 major degradation, SEV3 partial, SEV4 minor). If it looks wrong, say so and why; a human changes it.`
      : "- list_incidents: is this already an open incident? If not, declare_incident with a one-line title, the severity from the seed's table (SEV1 complete outage / SEV2 major degradation / SEV3 partial / SEV4 minor), the user impact and the affected services.",
    '- Name the incident commander if nobody is; a human takes command, you do not.',
    '',
    'MINUTE 1-2: Assess scope',
    `- run_health with incident: "${id}": which services are down or degraded, with evidence.`,
    `- run_triage with incident: "${id}" runs health, recent changes and quick PostgreSQL / Redis / log diagnostics in one go; its first finding is the most likely root cause, with the symptoms it explains and a first action; read its blindSpots before trusting "no findings" (the report is also the resource warroom://triage/latest).`,
    '',
    'MINUTE 2-3: Identify recent changes',
    `- list_deploys with since: "1h" and incident: "${id}": a deploy just before the errors started points to a rollback.`,
    '- diagnose (target postgres, redis, app or network) and analyze_logs for the failing service and the last 15 minutes give the numbers: pool saturation, lock tree, memory, error rate, top failing endpoints, the spike and the deploy just before it.',
    '',
    'MINUTE 3-4: Initial communication',
    `- draft_update for ${id} with what you know (findings) and what is being done (actions). Show the draft; post_update only when the commander agrees.`,
    '',
    'MINUTE 4-5: Begin investigation or mitigate',
    `- Record each finding with add_timeline_entry (kind "finding") on ${id}.`,
    allowRemediation
      ? `- If a recent deploy is the likely cause, plan_remediation {"action": "rollback", "options": {"service": "NAME"}, "incident": "${id}"} and show the plan. run_remediation only with a commander's explicit go-ahead (confirm: true).`
      : `- If a recent deploy is the likely cause, plan_remediation {"action": "rollback", "options": {"service": "NAME"}, "incident": "${id}"} and hand the plan to the commander: running it is for a human ("warroom run rollback --service NAME --incident ${id}").`,
    '',
    'Every tool call you make about this incident is written to its timeline under your name. Do not guess: say what the evidence shows and what it does not.',
  ];
  return lines.join('\n');
}
