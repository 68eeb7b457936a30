// The replay page's entry point (frontend/replay.html): the board's first
// request goes out at once (boot.js), the page's modules load meanwhile.
import { firstState } from './boot.js';

const first = firstState(location, localStorage);
const { mount } = await import('./page.js');
mount(document, { first });
