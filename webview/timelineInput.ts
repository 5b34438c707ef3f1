/**
 * Turns wheel, pointer (drag, pinch) and keyboard input into timeline actions. Wheel zooms at
 * the pointer; Shift+wheel or a horizontal swipe pans; Alt+wheel scrolls tracks; Ctrl+wheel is a
 * trackpad pinch.
 */

/** What input can ask the timeline to do; coordinates are CSS pixels relative to the canvas. */
export interface TimelineActions {
  zoomAt(factor: number, x: number): void;
  panBy(dx: number): void;
  scrollBy(dy: number): void;
  click(x: number, y: number): void;
  /** The pointer rests at (x, y) without a button; undefined when it left the canvas. */
  hover(x: number | undefined, y: number | undefined): void;
  /** True when (x, y) is in the overview, where a press jumps instead of dragging the view. */
  inOverview(y: number): boolean;
  overviewSeek(x: number): void;
  stepStall(direction: 1 | -1): void;
  zoomToSelection(): void;
  fit(): void;
  toggleFollow(): void;
  clearSelection(): void;
  /** The user took control of the view (turns follow off). */
  userMoved(): void;
}

const KEY_ZOOM = 1.6;
const KEY_PAN_PX = 80;

/** Wires input on `canvas` and keyboard on `keyTarget`; returns a function that removes the listeners. */
export function attachInput(canvas: HTMLCanvasElement, keyTarget: HTMLElement | Window, act: TimelineActions): () => void {
  const pointers = new Map<number, { x: number; y: number }>();
  let dragStart: { x: number; y: number; lastX: number; moved: boolean; overview: boolean } | undefined;
  let pinchDist = 0;
  const local = (e: { clientX: number; clientY: number }): { x: number; y: number } => {
    const r = canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const onWheel = (e: WheelEvent): void => {
    e.preventDefault();
    const { x } = local(e);
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
    const dx = e.deltaX * unit;
    const dy = e.deltaY * unit;
    act.userMoved();
    if (e.altKey) return act.scrollBy(dy);
    if (e.shiftKey) return act.panBy(dy || dx);
    if (Math.abs(dx) > Math.abs(dy)) return act.panBy(dx);
    // Ctrl+wheel is how browsers report a trackpad pinch: finer steps.
    act.zoomAt(Math.exp(-dy * (e.ctrlKey ? 0.01 : 0.0025)), x);
  };

  const onDown = (e: PointerEvent): void => {
    canvas.setPointerCapture(e.pointerId);
    const p = local(e);
    pointers.set(e.pointerId, p);
    if (pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      pinchDist = Math.hypot(a.x - b.x, a.y - b.y);
      dragStart = undefined;
      return;
    }
    dragStart = { x: p.x, y: p.y, lastX: p.x, moved: false, overview: act.inOverview(p.y) };
    if (dragStart.overview) {
      act.userMoved();
      act.overviewSeek(p.x);
    }
  };

  const onMove = (e: PointerEvent): void => {
    if (!pointers.has(e.pointerId)) {
      if (pointers.size === 0) {
        const p = local(e);
        act.hover(p.x, p.y);
      }
      return;
    }
    const p = local(e);
    pointers.set(e.pointerId, p);
    if (pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      const dist = Math.hypot(a.x - b.x, a.y - b.y);
      if (pinchDist > 0 && dist > 0) {
        act.userMoved();
        act.zoomAt(dist / pinchDist, (a.x + b.x) / 2);
      }
      pinchDist = dist;
      return;
    }
    if (!dragStart) return;
    if (!dragStart.moved && Math.abs(p.x - dragStart.x) + Math.abs(p.y - dragStart.y) < 4) return;
    dragStart.moved = true;
    act.userMoved();
    if (dragStart.overview) act.overviewSeek(p.x);
    else act.panBy(dragStart.lastX - p.x);
    dragStart.lastX = p.x;
  };

  const onUp = (e: PointerEvent): void => {
    pointers.delete(e.pointerId);
    if (dragStart && !dragStart.moved && !dragStart.overview) act.click(dragStart.x, dragStart.y);
    dragStart = undefined;
    if (pointers.size < 2) pinchDist = 0;
  };

  const onKey = (e: KeyboardEvent): void => {
    const target = e.target as HTMLElement | null;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA')) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const mid = canvas.clientWidth / 2;
    const moves: Partial<Record<string, () => void>> = {
      '+': () => act.zoomAt(KEY_ZOOM, mid), '=': () => act.zoomAt(KEY_ZOOM, mid), w: () => act.zoomAt(KEY_ZOOM, mid),
      '-': () => act.zoomAt(1 / KEY_ZOOM, mid), s: () => act.zoomAt(1 / KEY_ZOOM, mid),
      ArrowLeft: () => act.panBy(-KEY_PAN_PX), a: () => act.panBy(-KEY_PAN_PX),
      ArrowRight: () => act.panBy(KEY_PAN_PX), d: () => act.panBy(KEY_PAN_PX),
    };
    const other: Partial<Record<string, () => void>> = {
      n: () => act.stepStall(1), N: () => act.stepStall(1), p: () => act.stepStall(-1), P: () => act.stepStall(-1),
      ']': () => act.stepStall(1), '[': () => act.stepStall(-1),
      z: () => act.zoomToSelection(), Home: () => act.fit(), '0': () => act.fit(), f: () => act.toggleFollow(),
      Escape: () => act.clearSelection(),
      PageDown: () => act.scrollBy(canvas.clientHeight * 0.8), PageUp: () => act.scrollBy(-canvas.clientHeight * 0.8),
    };
    const move = moves[e.key];
    const run = move ?? other[e.key];
    if (!run) return;
    // Arrow keys inside lists keep their own meaning.
    if (move && e.key.startsWith('Arrow') && target?.closest('#stall-list, #details')) return;
    e.preventDefault();
    if (move) act.userMoved();
    run();
  };

  canvas.addEventListener('wheel', onWheel, { passive: false });
  canvas.addEventListener('pointerdown', onDown);
  canvas.addEventListener('pointermove', onMove);
  canvas.addEventListener('pointerup', onUp);
  canvas.addEventListener('pointercancel', onUp);
  const onLeave = (): void => act.hover(undefined, undefined);
  canvas.addEventListener('pointerleave', onLeave);
  keyTarget.addEventListener('keydown', onKey as EventListener);
  return () => {
    canvas.removeEventListener('wheel', onWheel);
    canvas.removeEventListener('pointerdown', onDown);
    canvas.removeEventListener('pointermove', onMove);
    canvas.removeEventListener('pointerup', onUp);
    canvas.removeEventListener('pointercancel', onUp);
    canvas.removeEventListener('pointerleave', onLeave);
    keyTarget.removeEventListener('keydown', onKey as EventListener);
  };
}
