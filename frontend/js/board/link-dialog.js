// The link dialog: how two notes are linked (a new link), or a link changed
// or deleted; a goal conflict's status and resolution.

import { t } from '../core/i18n.js';
import { may } from '../core/state.js';
import { newLinkId } from '../core/sync.js';
import { shorten } from './grouping.js';
import { late } from '../core/page.js';

export function mountLinkDialog(page) {
  const { $, ui } = page;
  const { currentView, refused, send } = late(page);

  const linkDialog = $('link-dialog');
  const linkForm = $('link-form');
  let linkDialogState = null; // {link} (change one) or {from, to} (a new one)

  /** Ask how `from` and `to` are linked (a new link), or change / delete `link`. */
  function openLinkDialog(link, from = null, to = null) {
    const view = currentView();
    from = from ?? view.notes[link.from_id];
    to = to ?? view.notes[link.to_id];
    if (!from || !to) return;
    const editable = may(view, ui.role, ui.member.member_id, 'link');
    linkDialogState = { link, from, to };
    $('link-dialog-heading').textContent = t(link ? 'link.edit.heading' : 'link.new.heading');
    $('link-between').textContent = t('link.between', {
      from: shorten(from.text || t('note.empty')),
      to: shorten(to.text || t('note.empty')),
    });
    const kind = link?.kind ?? 'conflicts';
    for (const input of linkForm.elements.kind) input.checked = input.value === kind;
    for (const input of linkForm.elements.status) input.checked = input.value === (link?.status ?? 'open');
    $('link-resolution').value = link?.resolution ?? '';
    for (const el of linkForm.querySelectorAll('input, textarea')) el.disabled = !editable;
    $('link-delete').hidden = !link || !editable;
    $('link-submit').hidden = !editable;
    $('link-submit').textContent = t(link ? 'link.save' : 'link.create');
    showConflictFields();
    linkDialog.showModal();
  }

  function showConflictFields() {
    const conflict = linkForm.elements.kind.value === 'conflicts' && Boolean(linkDialogState?.link);
    $('link-statuses').hidden = !conflict;
    $('link-resolution-field').hidden = !conflict;
  }

  linkForm.addEventListener('change', showConflictFields);
  $('link-cancel').addEventListener('click', () => linkDialog.close());
  $('link-delete').addEventListener('click', () => {
    const link = linkDialogState?.link;
    if (link && !refused('link')) send({ type: 'link.delete', link_id: link.id });
    linkDialog.close();
  });
  linkForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const st = linkDialogState;
    linkDialog.close();
    if (!st || refused('link')) return;
    const kind = linkForm.elements.kind.value || 'conflicts';
    if (!st.link) {
      send({ type: 'link.create', link_id: newLinkId(), from_id: st.from.id, to_id: st.to.id, kind });
      return;
    }
    const change = {};
    if (kind !== st.link.kind) change.kind = kind;
    if (kind === 'conflicts') {
      const status = linkForm.elements.status.value || 'open';
      const resolution = $('link-resolution').value.trim();
      if (status !== st.link.status) change.status = status;
      if (resolution !== st.link.resolution) change.resolution = resolution;
    }
    if (Object.keys(change).length) send({ type: 'link.update', link_id: st.link.id, ...change });
  });

  $('links-layer').addEventListener('click', (e) => {
    const marker = e.target.closest('[data-testid="link-marker"]');
    const link = marker && ui.conn && currentView().links[marker.dataset.id];
    if (link) openLinkDialog(link);
  });

  return { openLinkDialog };
}
