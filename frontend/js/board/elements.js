// The board page's elements that several features use, looked up once (by id
// or test id in board.html). A feature's own elements are looked up by it.

import { byTestId } from '../core/dom.js';

const $ = (id) => document.getElementById(id);

export function findElements() {
  return {
    title: byTestId('board-title'),
    roleBadge: byTestId('role-badge'),
    badge: byTestId('conn-state'),
    badgeText: document.querySelector('.conn-text'),
    outbox: $('outbox'),
    outboxCount: byTestId('outbox-count'),
    editTools: $('edit-tools'),
    newNote: $('new-note'),
    newFrame: $('new-frame'),
    viewport: $('viewport'),
    world: $('world'),
    help: $('board-help'),
    listView: $('list-view'),
    listBody: $('list-body'),
    listToggle: $('list-toggle'),
    zoomLevel: $('zoom-reset'),
    selectionBar: $('selection-bar'),
    swatches: $('swatches'),
    noteEdit: $('note-edit'),
    noteDelete: $('note-delete'),
    noteKind: $('note-kind'),
    noteGroup: $('note-group'),
    noteUngroup: $('note-ungroup'),
    noteLink: $('note-link'),
    pickHint: $('pick-hint'),
    pickHintText: $('pick-hint-text'),
    followAgain: $('follow-again'),
    boardTop: $('board-top'),
    voteTools: $('vote-tools'),
    voteToggle: $('vote-toggle'),
    mission: {
      card: byTestId('mission-card'),
      statement: byTestId('mission-statement'),
      measure: byTestId('mission-measure'),
      deadline: byTestId('mission-deadline'),
      edit: $('mission-edit'),
    },
  };
}
