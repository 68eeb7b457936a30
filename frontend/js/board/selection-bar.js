// The bar over the selected note: colours, kind, edit, delete, group, link,
// and the moderation tools; what it offers follows what this member may do.

import { KIND_ICONS } from './render.js';
import { h } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { COLORS, KINDS, may } from '../core/state.js';
import { late } from '../core/page.js';

export function mountSelectionBar(page) {
  const { dom, ui, renderer } = page;
  const { scheduleRender, noteInView, refused, send, startPick, recolor, startEdit, deleteNote, canEdit } = late(page);
  // With several notes selected the bar acts on them all (multiselect.js).
  const { renderMulti, positionMulti, recolorSelection, kindSelection, deleteSelection } = late(page);

  function buildKinds() {
    dom.noteKind.replaceChildren(
      ...KINDS.map((kind) => h('option', { value: kind, text: `${KIND_ICONS[kind]}  ${t(`kind.${kind}`)}` })),
    );
    dom.noteKind.setAttribute('aria-label', t('note.kind'));
  }

  dom.noteKind.addEventListener('change', () => {
    const id = ui.selectedId;
    const kind = dom.noteKind.value;
    if (kind && kindSelection(kind)) return;
    if (!id) return;
    if (ui.draft?.note_id === id) {
      ui.draft = { ...ui.draft, kind };
      scheduleRender();
      return;
    }
    const note = noteInView(id);
    if (note && note.kind !== kind && !refused('edit', note)) send({ type: 'note.kind', note_id: id, kind });
  });
  dom.noteGroup.addEventListener('click', () => startPick('group'));
  dom.noteLink.addEventListener('click', () => startPick('link'));
  dom.noteUngroup.addEventListener('click', () => {
    const note = ui.selectedId && noteInView(ui.selectedId);
    if (note?.group_id && !refused('group', note)) send({ type: 'note.group', note_id: note.id, group_id: null });
  });

  function buildSwatches() {
    dom.swatches.replaceChildren(
      ...COLORS.map((color) =>
        h('button', {
          type: 'button',
          class: `swatch note-${color}`,
          'data-testid': `color-${color}`,
          'data-color': color,
          'aria-label': t('note.color.aria', { color: t(`color.${color}`) }),
          title: t(`color.${color}`),
        }),
      ),
    );
  }

  dom.swatches.addEventListener('click', (e) => {
    const button = e.target.closest('[data-color]');
    if (button && recolorSelection(button.dataset.color)) return;
    if (button && ui.selectedId) recolor(ui.selectedId, button.dataset.color);
  });
  // Keep the note's editor open while a swatch is pressed (a blur would close it).
  dom.selectionBar.addEventListener('pointerdown', (e) => {
    if (!e.target.closest('select')) e.preventDefault();
  });
  dom.noteEdit.addEventListener('click', () => ui.selectedId && startEdit(ui.selectedId));
  dom.noteDelete.addEventListener('click', () => deleteSelection() || (ui.selectedId && deleteNote(ui.selectedId)));

  function renderSelectionBar(view) {
    if (renderMulti(view)) return;
    const note = ui.selectedId ? view.notes[ui.selectedId] : null;
    const show = Boolean(note) && canEdit() && !ui.listMode;
    dom.selectionBar.hidden = !show;
    if (!show) return;
    for (const b of dom.swatches.children) {
      b.setAttribute('aria-pressed', b.dataset.color === note.color ? 'true' : 'false');
    }
    const me = ui.member.member_id;
    const draft = ui.draft?.note_id === note.id;
    const editable = draft || may(view, ui.role, me, 'edit', note);
    dom.noteDelete.hidden = !draft && !may(view, ui.role, me, 'delete', note);
    dom.noteEdit.hidden = ui.editing?.id === note.id || !editable;
    dom.swatches.hidden = !editable;
    dom.noteKind.parentElement.hidden = !editable;
    dom.noteKind.value = note.kind;
    const shared = !draft && !note.private;
    dom.noteGroup.hidden = !shared || !may(view, ui.role, me, 'group', note);
    dom.noteUngroup.hidden = dom.noteGroup.hidden || !note.group_id;
    dom.noteLink.hidden = !shared || !may(view, ui.role, me, 'link', note);
    page.moderation.renderTools(view, draft ? null : note);
    const empty = [...dom.selectionBar.children].every((c) => c.hidden);
    dom.selectionBar.hidden = empty;
    positionSelectionBar();
  }

  function positionSelectionBar() {
    if (positionMulti()) return;
    if (dom.selectionBar.hidden || !ui.selectedId) return;
    const el = renderer.noteElement(ui.selectedId);
    if (!el) return;
    const host = dom.selectionBar.offsetParent ?? document.body;
    const hostRect = host.getBoundingClientRect();
    const noteRect = el.getBoundingClientRect();
    const barRect = dom.selectionBar.getBoundingClientRect();
    let left = noteRect.left + noteRect.width / 2 - barRect.width / 2 - hostRect.left;
    let top = noteRect.top - barRect.height - 10 - hostRect.top;
    if (top < 4) top = noteRect.bottom + 10 - hostRect.top;
    left = Math.max(4, Math.min(left, hostRect.width - barRect.width - 4));
    dom.selectionBar.style.left = `${left}px`;
    dom.selectionBar.style.top = `${top}px`;
  }

  return { buildKinds, buildSwatches, renderSelectionBar, positionSelectionBar };
}
