/** The scenario picker shared by play and facilitate: the shipped scenarios by id and title. */
import { Select } from '@inkjs/ui';
import { truncate } from './format.js';
import type { CatalogEntry } from './PlayApp.js';

export function ScenarioSelect(props: { catalog: readonly CatalogEntry[]; width: number; visible: number; onChoose: (id: string) => void }) {
  return (
    <Select
      key="scenario"
      visibleOptionCount={Math.min(props.visible, props.catalog.length)}
      options={props.catalog.map((c) => ({ value: c.id, label: truncate(c.title ? `${c.id} — ${c.title}` : c.id, props.width - 6) }))}
      onChange={props.onChoose}
    />
  );
}
