// The replay page's entry point (frontend/replay.html): the board's first
// request is already under way (boot.js), the page's modules load meanwhile.
import { first } from './boot.js';

const { mount } = await import('./page.js');
mount(document, { first });
