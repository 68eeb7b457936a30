// What a Connection keeps in localStorage, per board and member: the outbox
// (ops without an answer yet, so they survive a reload or a closed laptop,
// merged with other tabs of the same member) and the refused contributions
// ("not accepted", kept until the person sends them again or lets them go).
// Without storage (tests, private mode) nothing is kept and nothing fails.

import { mergeSavedOutbox, parseSavedOutbox } from './sync.js';

export function outboxKey(boardId, memberId) {
  return `samskapa:outbox:${boardId}:${memberId}`;
}

/** Where refused contributions are kept ("not accepted"), per board and member. */
export function refusedKey(boardId, memberId) {
  return `samskapa:refused:${boardId}:${memberId}`;
}

export class OutboxStore {
  constructor(storage, boardId, memberId) {
    this.storage = storage;
    this.outboxKey = outboxKey(boardId, memberId);
    this.refusedKey = refusedKey(boardId, memberId);
  }

  loadOutbox() {
    if (!this.storage) return [];
    try {
      return parseSavedOutbox(this.storage.getItem(this.outboxKey));
    } catch {
      return [];
    }
  }

  loadRefused() {
    if (!this.storage) return [];
    try {
      return parseSavedOutbox(this.storage.getItem(this.refusedKey)).filter(
        (op) => op && typeof op.op_id === 'string' && op.command && typeof op.command.type === 'string',
      );
    } catch {
      return [];
    }
  }

  /** Throws when the storage is full or disabled (the caller logs it). */
  saveRefused(refused) {
    if (!this.storage) return;
    if (refused.length === 0) this.storage.removeItem(this.refusedKey);
    else this.storage.setItem(this.refusedKey, JSON.stringify(refused));
  }

  /** The outbox merged with what other tabs saved (minus what this tab settled). Throws like saveRefused. */
  saveOutbox(ops, settledHere) {
    if (!this.storage) return;
    const merged = mergeSavedOutbox(parseSavedOutbox(this.storage.getItem(this.outboxKey)), ops, settledHere);
    if (merged.length === 0) this.storage.removeItem(this.outboxKey);
    else this.storage.setItem(this.outboxKey, JSON.stringify(merged));
  }
}
