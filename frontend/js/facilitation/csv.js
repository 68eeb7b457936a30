// The facilitators' CSV exports (notes, links, votes), fetched with the
// member's credential.

import { errorText, toast } from '../core/dialogs.js';
import { readError, saveFile } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { late } from '../core/page.js';

export function mountCsv(page) {
  const { ui, boardId } = page;
  const { isFacilitator } = late(page);

  /**
   * A facilitator's CSV export (`notes`, `links` or `votes`): fetched with the
   * credential, saved from a Blob.
   */
  async function exportCsv(kind) {
    if (!ui.member || !isFacilitator()) return;
    try {
      const response = await fetch(`/api/boards/${encodeURIComponent(boardId)}/${kind}.csv`, {
        headers: { Authorization: `Bearer ${ui.member.credential}` },
      });
      if (!response.ok) {
        const error = await readError(response);
        toast(errorText(error.code, t('vote.export.failed')));
        return;
      }
      saveFile(await response.blob(), `${kind}-${boardId}.csv`);
    } catch {
      toast(t('error.network'));
    }
  }

  return { exportCsv };
}
