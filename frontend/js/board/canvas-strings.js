// The words of moving frames and selecting several notes, in both languages
// (merged into core/i18n.js STRINGS, whose test checks that both languages
// have the same keys).

export const CANVAS_STRINGS = {
  en: {
    'frame.move.aria': 'Move or resize the frame {title}: arrow keys move it with its notes, Shift+arrow keys change its size',
    'frame.resize.grip': 'Drag to resize the frame',
    'frame.moved': 'The frame {title} moved, with its notes.',
    'frame.resized': 'The frame {title} is now {w} × {h}.',
    'selection.count': '{n} selected',
    'selection.group': 'Group',
    'selection.group.aria': 'Group the selected notes',
    'selection.tool': 'Select',
    'selection.tool.aria': 'Select: drag on the board to select notes (also Shift+drag)',
  },
  sv: {
    'frame.move.aria': 'Flytta eller ändra storlek på ramen {title}: piltangenterna flyttar den med lapparna, Skift+piltangenterna ändrar storleken',
    'frame.resize.grip': 'Dra för att ändra ramens storlek',
    'frame.moved': 'Ramen {title} flyttades, med sina lappar.',
    'frame.resized': 'Ramen {title} är nu {w} × {h}.',
    'selection.count': '{n} markerade',
    'selection.group': 'Gruppera',
    'selection.group.aria': 'Gruppera de markerade lapparna',
    'selection.tool': 'Markera',
    'selection.tool.aria': 'Markera: dra på tavlan för att markera lappar (även Skift+dra)',
  },
};
