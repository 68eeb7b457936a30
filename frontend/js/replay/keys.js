// The replay page's keys: Space plays and pauses, ←/→ one change, Shift+←/→
// (and PageUp/PageDown) one marker, Home/End the start and the end.

/**
 * Listen on `page` (the document); `actions`: {playOrPause(), stepBy(dir),
 * markerBy(dir), toEnd(last) → false when there is nothing to go to}.
 */
export function installKeys(page, actions) {
  page.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const target = e.target;
    if (target.closest?.('input, textarea, select, dialog')) return;
    switch (e.key) {
      case ' ':
        // Space plays and pauses wherever the focus is, as in a media player
        // (buttons still answer Enter).
        e.preventDefault();
        actions.playOrPause();
        return;
      case 'ArrowLeft':
      case 'ArrowRight': {
        const dir = e.key === 'ArrowRight' ? 1 : -1;
        e.preventDefault();
        if (e.shiftKey) actions.markerBy(dir);
        else actions.stepBy(dir);
        return;
      }
      case 'PageUp':
      case 'PageDown':
        e.preventDefault();
        actions.markerBy(e.key === 'PageDown' ? 1 : -1);
        return;
      case 'Home':
      case 'End':
        if (actions.toEnd(e.key === 'End')) e.preventDefault();
        return;
      default:
    }
  });
}
