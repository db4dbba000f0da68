/**
 * `wargame join <url> --code CODE`: a line-based terminal client. A team sees
 * its party's view, the news, its moves and the messages it must answer, and
 * types a move's number; the facilitator types commands (advance, inject,
 * rewind…); a spectator watches. It reconnects by itself when the server
 * restarts. The code may come from WARGAME_CODE, so it stays out of shell history.
 */
import { createInterface } from 'node:readline';
import { writeFileSync } from 'node:fs';
import type { Frame } from '@wargame/server';
import { err, out, UserError } from '../io.js';
import { loadServerModule } from './serve.js';

export interface JoinOptions {
  code?: string;
}

type Effect = { key: string; op: string; amount: number };
const fx = (e: Effect[]) => e.map((x) => `${x.key} ${x.op === 'set' ? '=' : x.amount >= 0 ? '+' : ''}${Math.round(x.amount * 10) / 10}`).join(', ');

/** The screen of a state frame as lines (pure: tested without a terminal). */
export function renderState(welcome: Frame, s: Frame): string[] {
  const lines: string[] = [];
  const sc = welcome['scenario'] as { title: string; turns: number };
  const ended = s['ended'] === true;
  lines.push(
    '',
    `── ${sc.title} · ${String(s['date'])} · turn ${String(s['turn'])} of ${sc.turns}${ended ? ' · game over' : ''}${s['paused'] ? ' · paused' : ''}${s['resolving'] ? ' · waiting for answers' : ''}`,
  );
  const labels = new Map((welcome['indicators'] as { id: string; label: string }[]).map((i) => [i.id, i.label]));
  if (welcome['role'] === 'team') {
    const view = s['view'] as { indicators: { id: string; value: number; kind: string }[] };
    for (const i of view.indicators)
      lines.push(
        `  ${(labels.get(i.id) ?? i.id).slice(0, 44).padEnd(44)} ${String(Math.round(i.value * 10) / 10).padStart(7)}${i.kind === 'belief' ? '  (your belief)' : ''}`,
      );
  } else {
    for (const [id, v] of Object.entries(s['indicators'] as Record<string, number>))
      lines.push(`  ${(labels.get(id) ?? id).slice(0, 44).padEnd(44)} ${String(Math.round(v * 10) / 10).padStart(7)}`);
  }
  const news = s['news'] as {
    events: { label: string }[];
    parties: { party: string; moveLabel: string | null; success: boolean }[];
    messages?: { from: string; to: string; label: string; replyLabel: string | null }[];
  } | null;
  if (news) {
    lines.push('  News:');
    for (const e of news.events) lines.push(`   · ${e.label}`);
    for (const p of news.parties) if (p.moveLabel) lines.push(`   · ${p.party}: ${p.moveLabel}${p.success ? '' : ' (failed)'}`);
    for (const m of news.messages ?? []) lines.push(`   · ${m.from} → ${m.to}: ${m.label} — ${m.replyLabel ?? 'no answer'}`);
  }
  const timer = s['timer'] as { secondsLeft: number } | null | undefined;
  if (timer)
    lines.push(
      `  ${timer.secondsLeft > 0 ? `Time left: ${Math.floor(timer.secondsLeft / 60)}:${String(timer.secondsLeft % 60).padStart(2, '0')}` : 'Time is up'}`,
    );
  const ready = s['ready'] as Record<string, boolean>;
  lines.push(
    `  Teams: ${Object.entries(ready)
      .map(([t, r]) => `${t} ${r ? '✔' : '…'}`)
      .join('  ')}`,
  );
  if (welcome['role'] === 'team' && !ended) {
    const offers = s['offers'] as { move: string; label: string; chance: number | null; effects: Effect[] }[];
    lines.push('  Your moves (type the number):');
    for (const [i, o] of offers.entries())
      lines.push(
        `   ${s['chosen'] === o.move ? '▶' : ' '}${String(i + 1).padStart(2)}. ${o.label}${o.chance !== null ? ` (${Math.round(o.chance * 100)}%)` : ''}${o.effects.length ? ` — ${fx(o.effects)}` : ''}`,
      );
    const pending = s['pending'] as {
      message: string;
      from: string;
      kind: string;
      label: string;
      options: { reply: string; label: string; effects: Effect[] }[];
    }[];
    const replies = s['replies'] as Record<string, string>;
    for (const q of pending) {
      lines.push(`  ${q.from} sends a ${q.kind}: ${q.label}. Answer with: reply ${q.message} <answer>`);
      for (const o of q.options)
        lines.push(`     ${replies[q.message] === o.reply ? '▶' : ' '} ${o.reply}: ${o.label}${o.effects.length ? ` — ${fx(o.effects)}` : ''}`);
    }
  }
  if (welcome['role'] === 'facilitator') {
    lines.push(`  node ${String(s['node'])} · state hash ${String(s['hash'])} · staged ${JSON.stringify(s['staged'])}`);
    const pending = s['pending'] as { party: string; message: string }[];
    if (pending.length) lines.push(`  waiting for: ${pending.map((q) => `${q.party} → ${q.message}`).join(', ')}`);
  }
  return lines;
}

const FACILITATOR_HELP =
  'commands: advance · force (the computer plays late teams) · inject <event> · clear · rule <party> key=amount,… · timer <minutes> · rewind <turn> · checkout <node> · pause · resume · note <text> · revoke <role> · export <file> · codes · quit';

export async function joinCommand(url: string, o: JoinOptions): Promise<number> {
  const code = o.code ?? process.env['WARGAME_CODE'];
  if (!code) throw new UserError('give the code: wargame join <url> --code CODE (or set WARGAME_CODE)');
  try {
    new URL(url);
  } catch {
    throw new UserError(`"${url}" is not a URL: give the one wargame serve printed, e.g. http://192.168.1.20:8417/`);
  }
  const { WorkshopClient } = await loadServerModule();
  const client = new WorkshopClient(url, code);
  let welcome: Frame;
  try {
    welcome = await client.connect();
  } catch (e) {
    throw new UserError(`cannot join: ${(e as Error).message}`);
  }
  const role = welcome['role'] as string;
  const party = welcome['party'] as { name: string; seat: string; interests: { text: string }[] } | undefined;
  out(`Joined ${(welcome['scenario'] as { title: string }).title} as ${party ? `${party.name} (${party.seat})` : role}.`);
  if (party) {
    out((welcome['scenario'] as { description: string }).description);
    out(`What ${party.name} wants:`);
    for (const i of party.interests) out(`  · ${i.text}`);
  }
  out(
    role === 'team'
      ? 'Type a move\'s number, "reply <message> <answer>", or "quit".'
      : role === 'facilitator'
        ? FACILITATOR_HELP
        : 'Watching (read-only). Type "quit" to leave.',
  );
  const show = (s: Frame) => out(renderState(welcome, s).join('\n'));
  if (client.state) show(client.state);
  client.on('state', show);
  client.on('disconnected', () => err('… connection lost, reconnecting'));
  client.on('refused', (f: Frame) => err(`✖ ${String(f['message'])}`));
  const rl = createInterface({ input: process.stdin, terminal: false });
  const node = () => client.state?.['node'] as number;
  const report = (f: Frame) => {
    if (f.type === 'error') err(`✖ ${String(f['message'])}`);
    else if (f['note']) out(String(f['note']));
    else if (f['code']) out(`new code for ${String(f['role'])}: ${String(f['code'])}`);
  };
  for await (const raw of rl) {
    const line = raw.trim();
    if (!line) continue;
    if (line === 'quit' || line === 'q') break;
    const [cmd, ...rest] = line.split(/\s+/);
    const arg = rest.join(' ');
    if (role === 'team') {
      const offers = (client.state?.['offers'] ?? []) as { move: string }[];
      if (/^\d+$/.test(cmd!)) {
        const o = offers[Number(cmd) - 1];
        if (!o) err(`✖ no move ${cmd}: 1–${offers.length}`);
        else report(await client.request({ type: 'move', node: node(), move: o.move }));
      } else if (cmd === 'reply' && rest.length === 2) report(await client.request({ type: 'reply', node: node(), message: rest[0]!, reply: rest[1]! }));
      else if (offers.some((o) => o.move === cmd)) report(await client.request({ type: 'move', node: node(), move: cmd! }));
      else err('✖ type a move\'s number, "reply <message> <answer>" or "quit"');
    } else if (role === 'facilitator') {
      let f: Frame | null = null;
      if (cmd === 'advance') f = { type: 'advance', node: node() };
      else if (cmd === 'force') f = { type: 'advance', node: node(), force: true };
      else if (cmd === 'inject' && arg) f = { type: 'inject', node: node(), inject: { event: arg } };
      else if (cmd === 'clear') f = { type: 'clear-injects', node: node() };
      else if (cmd === 'rewind' && /^\d+$/.test(arg)) f = { type: 'rewind', turn: Number(arg) };
      else if (cmd === 'checkout' && /^\d+$/.test(arg)) f = { type: 'checkout', to: Number(arg) };
      else if (cmd === 'timer' && /^\d+(\.\d+)?$/.test(arg)) f = { type: 'timer', node: node(), seconds: Math.round(Number(arg) * 60) };
      else if (cmd === 'pause' || cmd === 'resume') f = { type: 'pause', paused: cmd === 'pause' };
      else if (cmd === 'rule' && rest.length === 2) {
        // rule <party> key=amount,key=amount: the party's move has these effects this turn instead of its own.
        const effects = Object.fromEntries(
          rest[1]!
            .split(',')
            .map((kv) => kv.split('='))
            .map(([k, v]) => [k!, Number(v)]),
        );
        if (Object.values(effects).some((v) => !Number.isFinite(v))) err('✖ rule <party> key=amount,key=amount (e.g. rule armenia border_tension=-5)');
        else f = { type: 'adjudicate', node: node(), party: rest[0]!, effects };
      } else if (cmd === 'note' && arg) f = { type: 'note', node: node(), text: arg };
      else if (cmd === 'revoke' && arg) f = { type: 'revoke', role: arg };
      else if (cmd === 'codes') for (const [r, c] of Object.entries((client.state?.['codes'] ?? {}) as Record<string, string>)) out(`  ${r}: ${c}`);
      else if (cmd === 'export' && arg) {
        const r = await client.request({ type: 'export' });
        if (r.type === 'ack') {
          writeFileSync(arg, `${JSON.stringify(r['save'], null, 2)}\n`);
          out(`✔ wrote ${arg} (wargame replay ${arg} · wargame report ${arg})`);
        } else report(r);
      } else err(`✖ ${FACILITATOR_HELP}`);
      if (f) report(await client.request(f));
    } else err('✖ a spectator only watches; type "quit" to leave');
  }
  client.removeAllListeners('disconnected');
  client.close();
  // Standing stdin open would keep the process alive after "quit".
  rl.close();
  process.stdin.destroy();
  return 0;
}
