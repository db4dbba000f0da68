/** `wargame discover`: which combinations of swept parameters lead to an outcome (PRIM and CART, as the EMA Workbench). */
import { discover, DiscoverInputError, formatDiscovery, renderDiscoveryReport, type DiscoveryResult } from '@wargame/batch';
import { err, out, UserError, writeFileAtomic } from '../io.js';
import { withBatch } from './analyse.js';

export interface DiscoverOptions {
  outcome: string;
  value?: string;
  density?: number;
  coverage?: number;
  box?: number;
  peelAlpha?: number;
  pasteAlpha?: number;
  massMin?: number;
  /** commander's `--no-paste`. */
  paste: boolean;
  depth?: number;
  minLeaf?: number;
  json?: boolean;
  html?: string;
}

export async function discoverCommand(paths: string[], o: DiscoverOptions): Promise<number> {
  let result: DiscoveryResult;
  try {
    result = await withBatch(paths, (table) =>
      discover(table, {
        outcome: o.outcome,
        ...(o.value === undefined ? {} : { value: o.value }),
        prim: {
          paste: o.paste,
          ...(o.peelAlpha === undefined ? {} : { peelAlpha: o.peelAlpha }),
          ...(o.pasteAlpha === undefined ? {} : { pasteAlpha: o.pasteAlpha }),
          ...(o.massMin === undefined ? {} : { massMin: o.massMin }),
        },
        select: {
          ...(o.density === undefined ? {} : { density: o.density }),
          ...(o.coverage === undefined ? {} : { coverage: o.coverage }),
          ...(o.box === undefined ? {} : { box: o.box }),
        },
        cart: { ...(o.depth === undefined ? {} : { maxDepth: o.depth }), ...(o.minLeaf === undefined ? {} : { minLeaf: o.minLeaf }) },
      }),
    );
  } catch (e) {
    if (e instanceof DiscoverInputError) throw new UserError(`${paths.join(', ')}: ${e.message}`);
    throw e;
  }
  if (o.html !== undefined) {
    writeFileAtomic(o.html, await renderDiscoveryReport(result));
    err(`wrote ${o.html}`);
  }
  out(o.json ? JSON.stringify(result, null, 2) : formatDiscovery(result));
  return 0;
}
