// The replay page's first request, sent as soon as this module arrives: the
// page loads it as an async module script at the top of its head, so the
// request for the board at the head goes out while the style sheets and the
// rest of the modules are still on their way (main.js, a deferred module
// script, runs only once every style sheet has loaded). main.js takes the
// same request from here: a module is evaluated once per page.
import { firstState } from './boot.js';

/** boot.js `firstState` for this page (null without a member kept for the board). */
export const first = firstState(location, localStorage);
