// The browser's fold must match the server's (backend/samskapa/domain/apply.py).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  applyEvent,
  emptyState,
  frameAt,
  fromSnapshot,
  predict,
  predictAll,
  StateError,
  UnknownEventError,
} from '../../frontend/js/core/state.js';
import { makeEvents } from './fixtures.mjs';

const events = makeEvents();
const ev = events.ev;

const board = {
  id: 'b_1',
  title: 'Fossilfria godstransporter',
  language: 'sv',
  mission: { statement: 'Fossilfria godstransporter 2030', measure: '22 % → 100 %', deadline: '2030' },
  created_at: 1_764_280_000_000,
};
const lina = { id: 'm_lina', name: 'Lina', sector: 'public', role: 'facilitator' };
const amira = { id: 'm_amira', name: 'Amira', sector: 'business', role: 'participant' };
const frame = { id: 'f_ideas', title: 'Idéer', prompt: 'Vad kan vi göra?', x: 0, y: 0, w: 800, h: 600 };
const note = (id, extra = {}) => ({
  id,
  text: 'Laddning vid depåer',
  x: 10,
  y: 20,
  color: 'yellow',
  kind: 'idea',
  frame_id: 'f_ideas',
  author: 'm_amira',
  origin: 'participant',
  ...extra,
});

/** A board with two members, one frame and one note in it. */
function seeded() {
  events.reset();
  const s = emptyState();
  applyEvent(s, ev('board.created', { board }));
  applyEvent(s, ev('participant.joined', { participant: lina }));
  applyEvent(s, ev('participant.joined', { participant: amira }));
  applyEvent(s, ev('frame.created', { frame }));
  applyEvent(s, ev('note.created', { note: note('n_1') }));
  return s;
}

describe('applyEvent', () => {
  test('emptyState has the snapshot shape', () => {
    assert.deepEqual(emptyState(), {
      board: null,
      seq: 0,
      participants: {},
      frames: {},
      notes: {},
      votes: {
        rounds: {},
        open_round: null,
        counts: {},
        tally: {},
        named: {},
        named_status: {},
        mine: { ballots: {}, status: {} },
      },
      groups: {},
      links: {},
      agenda: [],
      current_step: null,
      timer: { duration_ms: 0, ends_at: null, remaining_ms: null },
      attention: { leader: null, spotlight: null, locked: false },
      ready: {},
      private_count: 0,
      myReady: {},
      flags: {},
      myFlags: {},
      schedules: {},
    });
  });

  test('board.created sets the board and the seq', () => {
    events.reset();
    const s = emptyState();
    const out = applyEvent(s, ev('board.created', { board }));
    assert.equal(out, s, 'applyEvent updates in place and returns the same state');
    assert.deepEqual(s.board, board);
    assert.equal(s.seq, 1);
  });

  test('board.updated changes only the given fields; mission is replaced whole', () => {
    const s = seeded();
    applyEvent(s, ev('board.updated', { title: 'Ny titel' }));
    assert.equal(s.board.title, 'Ny titel');
    assert.deepEqual(s.board.mission, board.mission);
    const mission = { statement: 'Ny mission', measure: '', deadline: '2035' };
    applyEvent(s, ev('board.updated', { mission }));
    assert.equal(s.board.title, 'Ny titel');
    assert.deepEqual(s.board.mission, mission);
  });

  test('board.updated before board.created is a StateError', () => {
    assert.throws(() => applyEvent(emptyState(), ev('board.updated', { title: 'x' })), StateError);
  });

  test('participant.joined and participant.updated', () => {
    const s = seeded();
    assert.deepEqual(s.participants.m_amira, amira);
    const before = s.participants.m_amira;
    applyEvent(s, ev('participant.updated', { participant_id: 'm_amira', sector: 'academia' }));
    assert.deepEqual(s.participants.m_amira, { ...amira, sector: 'academia' });
    assert.notEqual(s.participants.m_amira, before, 'a changed entity is a new object');
    assert.deepEqual(before, amira, 'the old entity is untouched');
    applyEvent(s, ev('participant.updated', { participant_id: 'm_amira', name: 'Amira K' }));
    assert.equal(s.participants.m_amira.name, 'Amira K');
    assert.equal(s.participants.m_amira.sector, 'academia');
  });

  test('participant.erased blanks the name and keeps the member; access.link_replaced changes nothing', () => {
    const s = seeded();
    s.notes.n_1 = note('n_1');
    applyEvent(s, ev('participant.erased', { participant_id: 'm_amira' }));
    assert.deepEqual(s.participants.m_amira, { ...amira, name: '' });
    assert.equal(s.notes.n_1.author, 'm_amira', 'their notes keep their author');
    const before = JSON.stringify(s);
    applyEvent(s, ev('access.link_replaced', { role: 'participant' }));
    assert.equal(JSON.stringify({ ...s, seq: JSON.parse(before).seq }), before);
    assert.throws(() => applyEvent(s, ev('participant.erased', { participant_id: 'm_nobody' })), StateError);
  });

  test('participant.updated of an unknown member is a StateError', () => {
    const s = seeded();
    assert.throws(
      () => applyEvent(s, ev('participant.updated', { participant_id: 'm_x', name: 'X' })),
      StateError,
    );
  });

  test('frame.created, frame.updated (partial)', () => {
    const s = seeded();
    assert.deepEqual(s.frames.f_ideas, frame);
    applyEvent(s, ev('frame.updated', { frame_id: 'f_ideas', title: 'Idéer!', w: 900 }));
    assert.deepEqual(s.frames.f_ideas, { ...frame, title: 'Idéer!', w: 900 });
  });

  test('frames keep creation order', () => {
    const s = seeded();
    applyEvent(s, ev('frame.created', { frame: { ...frame, id: 'f_b' } }));
    applyEvent(s, ev('frame.created', { frame: { ...frame, id: 'f_a' } }));
    assert.deepEqual(Object.keys(s.frames), ['f_ideas', 'f_b', 'f_a']);
  });

  test('frame.deleted removes the frame; its notes stay with frame_id null', () => {
    const s = seeded();
    applyEvent(s, ev('note.created', { note: note('n_2', { frame_id: null, x: 2000 }) }));
    applyEvent(s, ev('frame.deleted', { frame_id: 'f_ideas' }));
    assert.equal(s.frames.f_ideas, undefined);
    assert.equal(s.notes.n_1.frame_id, null);
    assert.equal(s.notes.n_1.x, 10);
    assert.equal(s.notes.n_2.frame_id, null);
  });

  test('frames drawn or moved around notes take them in and let them go (as apply.py)', () => {
    const s = seeded();
    applyEvent(s, ev('note.created', { note: note('n_out', { frame_id: null, x: 3000, y: 0 }) }));
    applyEvent(s, ev('frame.created', { frame: { ...frame, id: 'f_new', x: 2900, y: -100 } }));
    assert.equal(s.notes.n_out.frame_id, 'f_new');
    applyEvent(s, ev('frame.updated', { frame_id: 'f_new', x: 9000 }));
    assert.equal(s.notes.n_out.frame_id, null);
    applyEvent(s, ev('frame.created', { frame: { ...frame, id: 'f_top', x: 0, y: 0, w: 300, h: 300 } }));
    assert.equal(s.notes.n_1.frame_id, 'f_top');
    applyEvent(s, ev('frame.deleted', { frame_id: 'f_top' }));
    assert.equal(s.notes.n_1.frame_id, 'f_ideas');
  });

  test('frame.moved carries the notes of the frame by the same offset (as apply.py)', () => {
    const s = seeded();
    applyEvent(s, ev('note.created', { note: note('n_out', { frame_id: null, x: 3000, y: 0 }) }));
    applyEvent(s, ev('note.created', { note: note('n_2', { x: 200, y: 96, group_id: null }) }));
    applyEvent(s, ev('frame.moved', { frame_id: 'f_ideas', x: 1000.5, y: -250 }));
    assert.deepEqual(s.frames.f_ideas, { ...frame, x: 1000.5, y: -250 });
    assert.deepEqual([s.notes.n_1.x, s.notes.n_1.y, s.notes.n_1.frame_id], [1010.5, -230, 'f_ideas']);
    assert.deepEqual([s.notes.n_2.x, s.notes.n_2.y], [1200.5, -154]);
    assert.deepEqual([s.notes.n_out.x, s.notes.n_out.frame_id], [3000, null]);
    // Moved onto the loose note: it joins, and stays where it was.
    applyEvent(s, ev('frame.moved', { frame_id: 'f_ideas', x: 2900, y: -100 }));
    assert.deepEqual([s.notes.n_out.x, s.notes.n_out.frame_id], [3000, 'f_ideas']);
    assert.throws(() => applyEvent(s, ev('frame.moved', { frame_id: 'f_x', x: 1, y: 2 })), StateError);
  });

  test('frame.move is predicted with its notes, leaving the state as it was', () => {
    const s = seeded();
    const before = JSON.stringify(s);
    const out = predict(s, { type: 'frame.move', frame_id: 'f_ideas', x: 100, y: 50 }, 'm_lina');
    assert.equal(JSON.stringify(s), before);
    assert.deepEqual([out.frames.f_ideas.x, out.frames.f_ideas.y, out.frames.f_ideas.pending], [100, 50, true]);
    assert.deepEqual([out.notes.n_1.x, out.notes.n_1.y, out.notes.n_1.frame_id], [110, 70, 'f_ideas']);
  });

  test('note.created, note.edited, note.moved, note.recolored, note.deleted', () => {
    const s = seeded();
    assert.deepEqual(s.notes.n_1, note('n_1'));
    applyEvent(s, ev('note.edited', { note_id: 'n_1', text: 'Elvägar på E20' }));
    assert.equal(s.notes.n_1.text, 'Elvägar på E20');
    applyEvent(s, ev('note.moved', { note_id: 'n_1', x: 1500, y: -30, frame_id: null }));
    assert.equal(s.notes.n_1.x, 1500);
    assert.equal(s.notes.n_1.y, -30);
    assert.equal(s.notes.n_1.frame_id, null, 'frame_id comes from the event, not computed');
    applyEvent(s, ev('note.recolored', { note_id: 'n_1', color: 'green' }));
    assert.equal(s.notes.n_1.color, 'green');
    applyEvent(s, ev('note.deleted', { note_id: 'n_1' }));
    assert.equal(s.notes.n_1, undefined);
    assert.equal(s.seq, events.seq);
  });

  test('events about a missing note are StateErrors and change nothing', () => {
    const s = seeded();
    const before = JSON.stringify(s);
    for (const [type, data] of [
      ['note.edited', { note_id: 'n_x', text: 'a' }],
      ['note.moved', { note_id: 'n_x', x: 1, y: 2, frame_id: null }],
      ['note.recolored', { note_id: 'n_x', color: 'blue' }],
      ['note.deleted', { note_id: 'n_x' }],
      ['frame.updated', { frame_id: 'f_x', title: 'a' }],
      ['frame.deleted', { frame_id: 'f_x' }],
    ]) {
      assert.throws(() => applyEvent(s, { seq: 99, type, data }), StateError, type);
    }
    assert.equal(JSON.stringify(s), before);
  });

  test('an unknown event type throws loudly', () => {
    const s = seeded();
    assert.throws(() => applyEvent(s, ev('timer.started', { seconds: 300 })), UnknownEventError);
    assert.throws(() => applyEvent(s, ev('timer.started', {})), /Unknown event type: timer.started/);
  });

  test('the event entity is copied, not shared', () => {
    events.reset();
    const s = emptyState();
    const data = { note: note('n_9') };
    applyEvent(s, ev('note.created', data));
    data.note.text = 'changed later';
    assert.equal(s.notes.n_9.text, 'Laddning vid depåer');
  });
});

describe('fromSnapshot', () => {
  const wire = {
    type: 'snapshot',
    seq: 43,
    state: {
      board,
      seq: 43,
      participants: { m_lina: lina, m_amira: amira },
      frames: { f_ideas: frame },
      notes: { n_1: note('n_1') },
    },
  };

  test('gives the state of the message with its seq', () => {
    const s = fromSnapshot(wire);
    assert.equal(s.seq, 43);
    assert.deepEqual(s.board, board);
    assert.deepEqual(s.participants, wire.state.participants);
    assert.deepEqual(s.frames, wire.state.frames);
    assert.deepEqual(s.notes, wire.state.notes);
  });

  test('is a copy: folding more events leaves the message alone', () => {
    const s = fromSnapshot(wire);
    applyEvent(s, { seq: 44, type: 'note.edited', data: { note_id: 'n_1', text: 'ny' } });
    assert.equal(wire.state.notes.n_1.text, 'Laddning vid depåer');
    assert.equal(s.seq, 44);
  });

  test('folding the log equals loading the snapshot of the same point', () => {
    const folded = seeded();
    const snap = fromSnapshot({ type: 'snapshot', seq: folded.seq, state: JSON.parse(JSON.stringify(folded)) });
    assert.deepEqual(snap, folded);
  });

  test('an empty board', () => {
    const s = fromSnapshot({
      type: 'snapshot',
      seq: 1,
      state: { board, seq: 1, participants: {}, frames: {}, notes: {} },
    });
    assert.equal(s.seq, 1);
    assert.deepEqual(s.notes, {});
  });
});

describe('frameAt', () => {
  test('uses the centre of the note and the topmost frame, edges inclusive', () => {
    const s = seeded();
    applyEvent(s, ev('frame.created', { frame: { ...frame, id: 'f_top', x: 100, y: 100, w: 200, h: 200 } }));
    // centre (10+80, 20+60) = (90, 80): only in f_ideas
    assert.equal(frameAt(s, 10, 20), 'f_ideas');
    // centre (180, 160): in both, the later one is on top
    assert.equal(frameAt(s, 100, 100), 'f_top');
    // centre exactly on the right edge of f_ideas (800)
    assert.equal(frameAt(s, 720, 0), 'f_ideas');
    assert.equal(frameAt(s, 721, 0), null);
    assert.equal(frameAt(emptyState(), 0, 0), null);
  });
});

describe('predict', () => {
  const deepFreeze = (o) => {
    for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v);
    return Object.freeze(o);
  };

  test('never mutates the confirmed state (frozen: any write would throw)', () => {
    const confirmed = deepFreeze(seeded());
    const snapshot = JSON.stringify(confirmed);
    const commands = [
      { type: 'note.create', note_id: 'n_new', text: 'Hej', x: 50, y: 50, color: 'pink', kind: 'idea' },
      { type: 'note.edit', note_id: 'n_1', text: 'Ändrad' },
      { type: 'note.move', note_id: 'n_1', x: 3000, y: 3000 },
      { type: 'note.recolor', note_id: 'n_1', color: 'blue' },
      { type: 'note.delete', note_id: 'n_1' },
      { type: 'frame.create', frame_id: 'f_new', title: 'T', prompt: 'P', x: 0, y: 0, w: 100, h: 100 },
      { type: 'frame.update', frame_id: 'f_ideas', title: 'Nytt' },
      { type: 'frame.delete', frame_id: 'f_ideas' },
      { type: 'board.update', title: 'Ny' },
      { type: 'participant.update', name: 'Lina L' },
    ];
    for (const command of commands) {
      const view = predict(confirmed, command, 'm_lina');
      assert.notEqual(view, confirmed, command.type);
    }
    const all = predictAll(confirmed, commands.map((command, i) => ({ op_id: `o_${i}`, command })), 'm_lina');
    assert.equal(JSON.stringify(confirmed), snapshot);
    assert.equal(all.notes.n_1, undefined);
    assert.equal(all.frames.f_ideas, undefined);
    assert.equal(all.notes.n_new.frame_id, null, 'f_ideas was deleted after n_new was predicted in it');
  });

  test('note.create predicts author, origin and frame like the server', () => {
    const s = seeded();
    const cmd = { type: 'note.create', note_id: 'n_2', text: 'Idé', x: 100, y: 100, color: 'green', kind: 'goal' };
    const byAmira = predict(s, cmd, 'm_amira').notes.n_2;
    assert.equal(byAmira.author, 'm_amira');
    assert.equal(byAmira.origin, 'participant');
    assert.equal(byAmira.frame_id, 'f_ideas');
    assert.equal(byAmira.pending, true);
    assert.equal(predict(s, cmd, 'm_lina').notes.n_2.origin, 'facilitator');
    assert.equal(predict(s, { ...cmd, x: 5000 }, 'm_lina').notes.n_2.frame_id, null);
    assert.equal(s.notes.n_2, undefined);
  });

  test('note.move predicts the new frame', () => {
    const s = seeded();
    const out = predict(s, { type: 'note.move', note_id: 'n_1', x: 5000, y: 5000 }, 'm_amira');
    assert.equal(out.notes.n_1.frame_id, null);
    assert.equal(out.notes.n_1.x, 5000);
    assert.equal(s.notes.n_1.x, 10);
    assert.equal(out.frames, s.frames, 'maps it does not touch are shared');
  });

  test('frame.delete predicts the notes losing their frame', () => {
    const s = seeded();
    const out = predict(s, { type: 'frame.delete', frame_id: 'f_ideas' }, 'm_lina');
    assert.equal(out.notes.n_1.frame_id, null);
    assert.equal(s.notes.n_1.frame_id, 'f_ideas');
  });

  test('commands that would fail leave the state as it is', () => {
    const s = seeded();
    assert.equal(predict(s, { type: 'note.edit', note_id: 'n_x', text: 'a' }, 'm_amira'), s);
    assert.equal(predict(s, { type: 'note.delete', note_id: 'n_x' }, 'm_amira'), s);
    assert.equal(predict(s, { type: 'frame.update', frame_id: 'f_x', title: 'a' }, 'm_lina'), s);
    assert.equal(
      predict(s, { type: 'note.create', note_id: 'n_1', text: 'dup', x: 0, y: 0 }, 'm_amira'),
      s,
      'an existing id (the event came back before the ack) is not created twice',
    );
    assert.equal(predict(s, { type: 'unknown.command' }, 'm_amira'), s);
    assert.equal(predictAll(s, [], 'm_amira'), s);
  });

  test('ops are predicted in order', () => {
    const s = seeded();
    const out = predictAll(
      s,
      [
        { op_id: 'o_a', command: { type: 'note.create', note_id: 'n_2', text: 'a', x: 0, y: 0 } },
        { op_id: 'o_b', command: { type: 'note.edit', note_id: 'n_2', text: 'b' } },
        { op_id: 'o_c', command: { type: 'note.recolor', note_id: 'n_2', color: 'purple' } },
      ],
      'm_amira',
    );
    assert.equal(out.notes.n_2.text, 'b');
    assert.equal(out.notes.n_2.color, 'purple');
    assert.equal(out.notes.n_2.kind, 'idea');
  });

  test('participant.update changes only the sender', () => {
    const s = seeded();
    const out = predict(s, { type: 'participant.update', sector: 'citizen' }, 'm_amira');
    assert.equal(out.participants.m_amira.sector, 'citizen');
    assert.equal(out.participants.m_lina, s.participants.m_lina);
  });
});
