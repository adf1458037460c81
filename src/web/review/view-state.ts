/**
 * Where a viewer is looking, shared by the presenter with the room ("follow
 * the presenter"): the page (PDF), the zoom (1 fits the width) and the centre
 * of the view, and the pointer when shown. An image's coordinates are
 * OpenSeadragon viewport units (x 0–1 across the width, y down in the same
 * unit); a PDF's are fractions of the page shown.
 */
export interface ViewerView {
  page: number | null;
  zoom: number;
  x: number;
  y: number;
  pointer: { x: number; y: number } | null;
}

/** Views equal to within what a screen shows (a pixel or so at any zoom). */
export function sameView(a: ViewerView | undefined, b: ViewerView | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const near = (p: number, q: number, scale = 1): boolean => Math.abs(p - q) <= 0.002 * scale;
  return a.page === b.page && near(a.zoom, b.zoom, b.zoom) && near(a.x, b.x, 1 / b.zoom) && near(a.y, b.y, 1 / b.zoom);
}

/**
 * Calls `f` at most once per `ms`, always with the latest arguments, the
 * last call never dropped (a view that settles is always sent).
 */
export function throttle<A extends unknown[]>(
  f: (...args: A) => void,
  ms: number,
): ((...args: A) => void) & { cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  let queued: A | undefined;
  const run = (): void => {
    timer = undefined;
    last = Date.now();
    const args = queued;
    queued = undefined;
    if (args !== undefined) f(...args);
  };
  const throttled = (...args: A): void => {
    queued = args;
    if (timer !== undefined) return;
    const wait = last + ms - Date.now();
    // The first move after a quiet spell goes at once (a timer would wait behind the page's drawing).
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  };
  throttled.cancel = (): void => {
    clearTimeout(timer);
    timer = undefined;
    queued = undefined;
  };
  return throttled;
}
