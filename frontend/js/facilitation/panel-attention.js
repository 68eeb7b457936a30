// The panel's sections about the room: attention (summon, follow, spotlight,
// lock), anonymity, and whether others may replay the session.

import { confirmChange } from '../core/confirm.js';
import { h, setText } from '../core/dom.js';
import { getLang, t } from '../core/i18n.js';
import { ANONYMITY_MODES } from '../core/state.js';
import { button, clip, noteText, options } from './panel-parts.js';

/** Methods of FacilitatorPanel (panel.js mixes them in). */
export class AttentionSections {
  // -- 5. attention -----------------------------------------------------------------------------

  _buildAttention() {
    this.summonButton = button('fac.attention.summon', 'fac-summon', () => {
      this.showError('attention', null);
      this.actions.summon();
    });
    this.followButton = button('fac.attention.follow', 'fac-follow', () => {
      const me = this.model?.me;
      const leading = this.model?.view.attention?.leader === me;
      this._send('attention', { type: 'attention.follow', on: !leading });
    });
    this.followState = h('p', { class: 'muted fac-hint', 'data-testid': 'fac-follow-state', 'aria-live': 'polite' });
    this.spotSelected = button('fac.attention.spot_selected', 'fac-spot-selected', () => {
      const id = this.model?.selectedId;
      if (id) this._send('attention', { type: 'attention.spotlight', target: { kind: 'note', id } });
    });
    this.spotTarget = h('select', { id: 'fac-spot-target', 'data-testid': 'fac-spot-target' });
    this.spotButton = button('fac.attention.spot', 'fac-spot', () => {
      const [kind, id] = this.spotTarget.value.split(':');
      if (kind && id) this._send('attention', { type: 'attention.spotlight', target: { kind, id } });
    });
    this.spotClear = button('fac.attention.spot_clear', 'fac-spot-clear', () =>
      this._send('attention', { type: 'attention.spotlight', target: null }),
    );
    this.spotState = h('p', { class: 'muted fac-hint', 'data-testid': 'fac-spot-state', 'aria-live': 'polite' });
    this.lockButton = button('fac.attention.lock', 'fac-lock', () => {
      const locked = Boolean(this.model?.view.attention?.locked);
      this._send('attention', { type: 'board.lock', locked: !locked });
    });
    this.lockState = h('p', { class: 'muted fac-hint', 'data-testid': 'fac-lock-state', 'aria-live': 'polite' });
    return this._section(
      'attention',
      'fac.attention',
      h('div', { class: 'fac-row' }, this.summonButton, this.followButton),
      this.followState,
      h(
        'div',
        { class: 'field fac-spot' },
        h('label', { for: 'fac-spot-target', 'data-i18n': 'fac.attention.spot_target', text: t('fac.attention.spot_target') }),
        h('div', { class: 'fac-row fac-inline' }, this.spotTarget, this.spotButton),
      ),
      h('div', { class: 'fac-row' }, this.spotSelected, this.spotClear),
      this.spotState,
      h('div', { class: 'fac-row' }, this.lockButton),
      this.lockState,
    );
  }

  _spotName(view, spot) {
    if (!spot) return null;
    if (spot.kind === 'note') return t('fac.attention.spot.note', { text: clip(noteText(view.notes[spot.id])) });
    if (spot.kind === 'frame') return t('fac.attention.spot.frame', { title: view.frames[spot.id]?.title || t('frame.untitled') });
    return t('fac.attention.spot.group', { name: view.groups?.[spot.id]?.name || t('fac.group.unnamed') });
  }

  _renderAttention(view, me, selectedId) {
    const attention = view.attention ?? { leader: null, spotlight: null, locked: false };
    const leading = attention.leader === me;
    this.followButton.setAttribute('aria-pressed', leading ? 'true' : 'false');
    const leader = attention.leader ? view.participants[attention.leader] : null;
    setText(
      this.followState,
      leading
        ? t('fac.attention.follow.me')
        : attention.leader
          ? t('fac.attention.follow.other', { name: leader?.name || t('role.facilitator') })
          : t('fac.attention.follow.none'),
    );
    this.followState.dataset.leader = attention.leader ?? '';

    const selected = selectedId ? view.notes[selectedId] : null;
    this.spotSelected.disabled = !selected;
    this.spotSelected.title = selected ? clip(noteText(selected)) : t('fac.attention.spot_selected.none');
    const groups = Object.values(view.groups ?? {});
    const frames = Object.values(view.frames);
    const nothing = frames.length + groups.length === 0;
    options(this.spotTarget, [
      ...(nothing ? [['', t('fac.attention.spot_target.none')]] : []),
      ...frames.map((f) => [`frame:${f.id}`, t('fac.attention.spot.frame', { title: f.title || t('frame.untitled') })]),
      ...groups.map((g) => [`group:${g.id}`, t('fac.attention.spot.group', { name: g.name || t('fac.group.unnamed') })]),
    ]);
    this.spotTarget.disabled = nothing;
    this.spotButton.disabled = nothing;
    const spot = attention.spotlight;
    this.spotClear.disabled = !spot;
    setText(this.spotState, spot ? t('fac.attention.spot.now', { what: this._spotName(view, spot) }) : t('fac.attention.spot.none'));
    this.spotState.dataset.spotlight = spot ? `${spot.kind}:${spot.id}` : '';

    this.lockButton.setAttribute('aria-pressed', attention.locked ? 'true' : 'false');
    setText(this.lockButton, t(attention.locked ? 'fac.attention.unlock' : 'fac.attention.lock'));
    setText(this.lockState, t(attention.locked ? 'fac.attention.locked' : 'fac.attention.unlocked'));
    this.lockState.dataset.locked = attention.locked ? 'true' : 'false';
    this.el.classList.toggle('locked', Boolean(attention.locked));
  }

  // -- 6. anonymity ---------------------------------------------------------------------------

  _buildAnonymity() {
    this.anonSelect = h('select', { id: 'fac-anonymity', 'data-testid': 'fac-anonymity' });
    this.anonApply = button('fac.anonymity.apply', 'fac-anonymity-apply', async () => {
      const mode = this.anonSelect.value;
      const now = this.model?.view.board?.anonymity ?? 'off';
      if (!mode || mode === now) return;
      // Stricter cannot be taken back once people have written or voted: ask first.
      if (ANONYMITY_MODES.indexOf(mode) > ANONYMITY_MODES.indexOf(now)) {
        const yes = await confirmChange({
          title: t('confirm.anonymity.title'),
          text: t(`confirm.anonymity.${mode}`),
          confirm: t('confirm.anonymity.yes'),
        });
        if (!yes) {
          this.anonSelect.value = now;
          return;
        }
      }
      this._send('anonymity', { type: 'board.anonymity', mode });
    });
    this.anonState = h('p', { class: 'fac-anon-state', 'data-testid': 'fac-anonymity-state', 'aria-live': 'polite' });
    this.anonHelp = h('p', { class: 'muted fac-hint', 'data-testid': 'fac-anonymity-help' });
    return this._section(
      'anonymity',
      'fac.anonymity',
      this.anonState,
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'fac-anonymity', 'data-i18n': 'fac.anonymity.choose', text: t('fac.anonymity.choose') }),
        h('div', { class: 'fac-row fac-inline' }, this.anonSelect, this.anonApply),
      ),
      this.anonHelp,
      h('p', { class: 'muted fac-hint', 'data-i18n': 'fac.anonymity.stricter', text: t('fac.anonymity.stricter') }),
    );
  }

  _renderAnonymity(view) {
    const mode = view.board?.anonymity ?? 'off';
    const key = `${getLang()}|${mode}`;
    if (this.drawn.anon !== key) {
      const choosing = document.activeElement === this.anonSelect;
      options(this.anonSelect, ANONYMITY_MODES.map((m) => [m, t(`fac.anonymity.${m}`)]));
      if (!choosing || this.drawn.anonMode !== mode) this.anonSelect.value = mode;
      this.drawn.anon = key;
      this.drawn.anonMode = mode;
    }
    setText(this.anonState, t('fac.anonymity.now', { mode: t(`fac.anonymity.${mode}`) }));
    this.anonState.dataset.mode = mode;
    setText(this.anonHelp, t(`fac.anonymity.${this.anonSelect.value || mode}.help`));
  }

  // -- 6b. replay: may participants and observers replay the session? -------------------

  _buildReplay() {
    this.replayAllowed = h('input', {
      type: 'checkbox',
      id: 'fac-replay',
      'data-testid': 'fac-replay',
      on: {
        change: () => this._send('replay', { type: 'board.replay', allowed: this.replayAllowed.checked }),
      },
    });
    return this._section(
      'replay',
      'fac.replay',
      h(
        'label',
        { class: 'check', for: 'fac-replay' },
        this.replayAllowed,
        h('span', { 'data-i18n': 'fac.replay.allow', text: t('fac.replay.allow') }),
      ),
      h('p', { class: 'muted fac-hint', 'data-i18n': 'fac.replay.hint', text: t('fac.replay.hint') }),
    );
  }

  _renderReplay(view) {
    const allowed = view.board?.replay === true;
    if (document.activeElement !== this.replayAllowed || this.drawn.replay !== allowed) {
      this.replayAllowed.checked = allowed;
    }
    this.drawn.replay = allowed;
  }
}
