// The board page is one object (app.js builds it) that each feature is
// mounted on: `mountX(page)` reads the shared parts (ui, dom, the renderers)
// and returns the functions the rest of the page calls, which app.js puts on
// the page.

/**
 * The page's functions, called late: `const { send } = late(page)` gives a
 * function that calls whatever `page.send` is at the time of the call, so a
 * feature can be mounted before the feature whose function it uses.
 */
export function late(page) {
  const get = (_, name) => (...args) => page[name](...args);
  return new Proxy({}, { get });
}
