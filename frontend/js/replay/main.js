// The replay page's entry point (frontend/replay.html): the board's first
// request is already under way (core/boot.js), the page's modules load meanwhile.
import { first } from '../core/boot.js';

const { mount } = await import('./page.js');
mount(document, { first });
