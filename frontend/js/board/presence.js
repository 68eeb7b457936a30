// Who is online, in a shape that still reads with hundreds of people: counts
// per actor sector for the top bar, and the searchable list for the panel.
// Pure: the members are the ones the server announces (docs/protocol.md,
// `presence`), so nothing here can show more than the board already shows.

import { SECTORS } from '../core/state.js';

/** The sector to count a member under (one this page does not know counts as other). */
export const sectorOf = (m) => (SECTORS.includes(m.sector) ? m.sector : 'other');

/** `{total, sectors: [{sector, n}]}`: the sectors with someone online, in the fixed sector order. */
export function sectorCounts(online) {
  const by = new Map();
  for (const m of online) by.set(sectorOf(m), (by.get(sectorOf(m)) ?? 0) + 1);
  return {
    total: online.length,
    sectors: SECTORS.filter((s) => by.has(s)).map((sector) => ({ sector, n: by.get(sector) })),
  };
}

// Case and accents do not matter when looking someone up ("asa" finds "Åsa").
const fold = (text) =>
  String(text)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLocaleLowerCase();

/**
 * The members to list: every word of `query` must appear in the name, the
 * sector or the role (as `label(key)` words them in the page's language), then
 * sorted by name, or by sector and name within it (`by: 'sector'`).
 */
export function filterOnline(online, query = '', { label = (key) => key, by = 'name' } = {}) {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const text = (m) =>
    fold(
      [m.name, label(`sector.${sectorOf(m)}`), label(`sector.${sectorOf(m)}.short`), label(`role.${m.role}`)].join(
        ' ',
      ),
    );
  const found = words.length ? online.filter((m) => words.every((w) => text(m).includes(w))) : [...online];
  const byName = (a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
  const bySector = (a, b) => SECTORS.indexOf(sectorOf(a)) - SECTORS.indexOf(sectorOf(b)) || byName(a, b);
  return found.sort(by === 'sector' ? bySector : byName);
}
