// The mission card's dialog: facilitators change the statement, measure and
// deadline with board.update.

import { toast } from '../core/dialogs.js';
import { t } from '../core/i18n.js';
import { late } from '../core/page.js';

export function mountMissionDialog(page) {
  const { $, dom, ui } = page;
  const { isFacilitator, send } = late(page);

  const missionDialog = $('mission-dialog');
  dom.mission.edit.addEventListener('click', (e) => {
    e.preventDefault(); // a button in <summary> would fold the card
    const mission = ui.conn?.board.board?.mission;
    if (!mission || !isFacilitator()) return;
    $('mission-statement-input').value = mission.statement;
    $('mission-measure-input').value = mission.measure;
    $('mission-deadline-input').value = mission.deadline;
    missionDialog.showModal();
  });
  $('mission-cancel').addEventListener('click', () => missionDialog.close());
  $('mission-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const old = ui.conn?.board.board?.mission;
    const mission = {
      statement: $('mission-statement-input').value.trim(),
      measure: $('mission-measure-input').value.trim(),
      deadline: $('mission-deadline-input').value.trim(),
    };
    if (!mission.statement) {
      toast(t('form.required', { field: t('create.mission') }));
      return;
    }
    missionDialog.close();
    const same = old && ['statement', 'measure', 'deadline'].every((k) => old[k] === mission[k]);
    if (!same) send({ type: 'board.update', mission });
  });
}
