// Following the facilitator: the leader's view, flown to while following,
// and "Follow again" after the person moved the board themselves.

import { cameraForRect } from '../board/camera.js';
import { t } from '../core/i18n.js';
import { late } from '../core/page.js';

export function mountFollow(page) {
  const { ui, viewportBox, dom } = page;
  const { flyTo, scheduleRender } = late(page);

  const leaderId = () => ui.conn?.board.attention.leader ?? null;
  const leadingOther = () => Boolean(leaderId()) && leaderId() !== ui.member?.member_id;

  function onLeaderView(view) {
    if (view.memberId !== leaderId()) return;
    ui.leaderView = view;
    followLeader();
  }

  /** Move to the leader's latest view, if following one (never while writing a note). */
  function followLeader() {
    const view = ui.leaderView;
    if (!leadingOther() || !ui.following || ui.editing || !view || view.memberId !== leaderId()) return;
    flyTo(cameraForRect(view, viewportBox.width, viewportBox.height));
  }

  function renderFollow() {
    const show = leadingOther() && !ui.following;
    dom.followAgain.hidden = !show;
    if (show) {
      const leader = ui.conn.board.participants[leaderId()];
      dom.followAgain.textContent = leader ? t('follow.again.name', { name: leader.name }) : t('follow.again');
    }
  }

  dom.followAgain.addEventListener('click', () => {
    ui.following = true;
    scheduleRender();
    followLeader();
  });

  return { onLeaderView, followLeader, renderFollow };
}
