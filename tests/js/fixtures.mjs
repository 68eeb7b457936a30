// Shared test fixtures: events as the server sends them.

/**
 * An event factory with its own counter: `ev(type, data, extra)` gives
 * `{seq, type, at, actor: 'm_lina', op_id, data}` with the next seq.
 */
export function makeEvents(at0 = 1_764_281_230_000) {
  let seq = 0;
  return {
    ev: (type, data, extra = {}) => {
      seq += 1;
      return { seq, type, at: at0 + seq, actor: 'm_lina', op_id: `o_${seq}`, data, ...extra };
    },
    reset: () => {
      seq = 0;
    },
    get seq() {
      return seq;
    },
  };
}

/** A note as the server sends it (defaults: a participant's idea, outside frames and groups). */
export const makeNote = (id, extra = {}) => ({
  id,
  text: `Lapp ${id}`,
  x: 10,
  y: 20,
  color: 'yellow',
  kind: 'idea',
  frame_id: null,
  author: 'm_amira',
  origin: 'participant',
  private: false,
  group_id: null,
  ...extra,
});
