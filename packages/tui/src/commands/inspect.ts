import { closest, describeGuard, monthText, overrideEntries, type Citation, type CompiledScenario, type GuardRef, type PostureMeta } from '@wargame/engine';
import { out, UserError } from '../io.js';
import { loadOrFail } from './load.js';

function cites(list: Citation[]): string {
  return list.map((c) => `[${c.source}] "${c.quote}"`).join('; ');
}

/** A plain summary of a scenario, as data (for --json) and as text. */
export function describeScenario(s: CompiledScenario) {
  const doc = s.doc;
  return {
    id: s.id,
    title: s.title,
    description: doc.description,
    hash: s.hash,
    calendar: { start: monthText(s.calendar.start), turns: s.calendar.turns, stepMonths: s.calendar.step, end: monthText(s.calendar.start + (s.calendar.turns - 1) * s.calendar.step) },
    parties: s.parties.map((p) => ({
      id: p.id,
      name: p.name,
      seat: p.seat,
      initialPosture: p.postures[p.initial],
      idle: p.idle >= 0 ? p.moves[p.idle]!.id : undefined,
      postures: p.postures.map((name, i) => ({
        id: name,
        label: p.postureLabels[i],
        transitions: p.transitions[i]!.map((t) => ({ to: p.postures[t.to], guard: t.guardText })),
      })),
      interests: doc.parties[p.id]!.interests.map((it) => ({ id: it.id, text: it.text, weight: it.weight, wants: it.wants, cite: it.cite })),
      moves: doc.parties[p.id]!.moves.map((m) => ({ id: m.id, label: m.label, postures: m.postures ?? 'all', when: m.when, chance: m.chance, effects: m.effects, cite: m.cite })),
    })),
    indicators: s.indicators,
    relations: { min: s.relations.min, max: s.relations.max, initial: doc.relations.initial.map((r) => ({ between: r.between, value: r.value })) },
    events: doc.events.map((e) => ({ id: e.id, label: e.label, at: e.at, chance: e.chance, recurring: e.recurring, when: e.when, effects: e.effects, cite: e.cite })),
    outcomes: doc.outcomes,
    parameters: s.parameters,
    history: s.history.map((h) => ({ date: h.date, party: s.parties[h.party]!.id, move: s.parties[h.party]!.moves[h.move]!.id, note: h.note, cite: h.cite })),
    sources: doc.sources,
  };
}

/** A Mermaid state name: ids are [a-z0-9_], so they are safe as they are. */
function mermaidText(text: string): string {
  // Labels and guards are scenario text: one line, control characters dropped, and Mermaid's special characters as its entity codes.
  const entity: Record<string, string> = { '<': '#lt;', '>': '#gt;', ':': '#58;', ';': '#59;', '"': '#quot;', '#': '#35;', '{': '#123;', '}': '#125;', '|': '#124;' };
  return text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters from scenario text is the point
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120)
    .replace(/[<>:;"#{}|]/g, (c) => entity[c]!);
}

/**
 * A party's machine as a Mermaid state diagram, read off the XState machine
 * itself: its states with their labels (`meta.label`), the initial state, and
 * each transition with its event and guard (`TURN` transitions show the guard
 * alone, as the table and the explanations do).
 */
export function machineMermaid(s: CompiledScenario, partyIndex: number): string {
  const party = s.parties[partyIndex]!;
  const machine = party.machine;
  const states = Object.entries(machine.root.states);
  const lines = ['stateDiagram-v2', `  %% ${mermaidText(party.name)}: postures and transitions, as wargame declares them`];
  for (const [name, node] of states) lines.push(`  ${name} : ${mermaidText((node.meta as PostureMeta | undefined)?.label ?? name)}`);
  lines.push(`  [*] --> ${String(machine.config.initial)}`);
  const onMessages: string[] = [];
  for (const [name, node] of states)
    for (const [event, defs] of node.transitions)
      for (const d of defs) {
        const guard = d.guard as GuardRef | undefined;
        const to = d.target?.[0]?.key ?? name;
        const text = event === 'TURN' ? mermaidText(describeGuard(guard)) : `on ${event}${guard ? ` if ${mermaidText(describeGuard(guard, event))}` : ''}`;
        // TURN transitions first, then those on messages, each in the machine's order.
        (event === 'TURN' ? lines : onMessages).push(`  ${name} --> ${to} : ${text}`);
      }
  return [...lines, ...onMessages].join('\n');
}

export function inspectCommand(arg: string, opts: { json?: boolean; machine?: string; paths?: boolean }): number {
  const s = loadOrFail(arg);
  if (opts.paths) {
    // Every number --set, --sweep, --design and calibrate can vary, with its value in the scenario.
    const entries = overrideEntries(s.doc);
    if (opts.json) out(JSON.stringify(entries, null, 2));
    else {
      const width = Math.max(...entries.map((e) => e.path.length));
      out(entries.map((e) => `${e.path.padEnd(width)}  ${typeof e.value === 'number' ? e.value : JSON.stringify(e.value)}`).join('\n'));
    }
    return 0;
  }
  if (opts.machine !== undefined) {
    const ids = s.parties.map((p) => p.id);
    const p = ids.indexOf(opts.machine);
    if (p < 0) {
      const near = closest(opts.machine, ids);
      throw new UserError(`--machine: unknown party "${opts.machine.slice(0, 40)}"${near ? ` (did you mean "${near}"?)` : ''}; parties are ${ids.join(', ')}`);
    }
    // With --json, the machine's config as declared: plain data that `createMachine(…)` takes back (paste it into
    // Stately's visualiser as its argument), guards as references by name with params. Otherwise the Mermaid diagram.
    if (opts.json) out(JSON.stringify(s.parties[p]!.machine.config, null, 2));
    else out(machineMermaid(s, p));
    return 0;
  }
  const d = describeScenario(s);
  if (opts.json) {
    out(JSON.stringify(d, null, 2));
    return 0;
  }
  const lines: string[] = [];
  lines.push(`${d.title} (${d.id}, hash ${d.hash})`);
  lines.push(d.description.trim());
  lines.push(`Calendar: ${d.calendar.turns} turns of ${d.calendar.stepMonths} month${d.calendar.stepMonths === 1 ? '' : 's'}, ${d.calendar.start} to ${d.calendar.end}`);
  lines.push('', `PARTIES (${d.parties.length})`);
  for (const p of d.parties) {
    lines.push(`  ${p.name} [${p.id}], seat ${p.seat}${p.idle ? `; idle move ${p.idle}` : ''}`);
    lines.push(`    postures: ${p.postures.map((x) => (x.id === p.initialPosture ? `${x.id} (initial)` : x.id)).join(', ')}`);
    for (const x of p.postures) for (const t of x.transitions) lines.push(`      ${x.id} → ${t.to} when ${t.guard}`);
    lines.push('    interests:');
    for (const it of p.interests) lines.push(`      - ${it.id} (weight ${typeof it.weight === 'number' ? it.weight : JSON.stringify(it.weight)}): ${it.text}`, `          ${cites(it.cite)}`);
    lines.push('    moves:');
    for (const m of p.moves) lines.push(`      - ${m.id}: ${m.label}${Array.isArray(m.postures) ? ` [in ${m.postures.join(', ')}]` : ''}${m.when ? ` [when ${m.when}]` : ''}`);
  }
  lines.push('', `INDICATORS (${d.indicators.length})`);
  for (const i of d.indicators) lines.push(`  ${i.key ? '*' : ' '} ${i.id}: ${i.label} [${i.min}..${i.max}], starts at ${i.initial}${i.unit ? ` ${i.unit}` : ''}`);
  lines.push('', `EVENTS (${d.events.length})`);
  for (const e of d.events) lines.push(`  ${e.id}: ${e.label} (${e.at ? `at ${e.at}` : e.chance !== undefined ? `chance ${e.chance} per turn` : e.recurring ? 'every turn' : 'inject only'}${e.when ? ` when ${e.when}` : ''})`);
  lines.push('', `OUTCOMES (${d.outcomes.length})`);
  for (const o of d.outcomes) lines.push(`  ${o.id} (${o.type}${o.type === 'category' ? `: ${o.values.join('|')}` : ''}): ${o.label}`);
  lines.push('', `PARAMETERS (${d.parameters.length})`);
  for (const p of d.parameters) lines.push(`  ${p.id} = ${p.default} [${p.min}..${p.max}]: ${p.label}. ${p.description}`);
  lines.push('', `HISTORY TRACK (${d.history.length} moves)`);
  for (const h of d.history) lines.push(`  ${h.date} ${h.party}: ${h.move}${h.note ? ` (${h.note})` : ''}`);
  lines.push('', `SOURCES (${d.sources.length})`);
  for (const src of d.sources) lines.push(`  ${src.file}${src.title ? `: ${src.title}` : ''}${src.written ? ` (${src.written})` : ''}`);
  out(lines.join('\n'));
  return 0;
}
