// The replay page's entry point (frontend/replay.html).
import { mount } from './page.js';

mount(document);
