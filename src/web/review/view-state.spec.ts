import { describe, expect, it, jest } from '@jest/globals';
import { sameView, throttle, type ViewerView } from './view-state.js';

const view = (zoom: number, x = 0.5, y = 0.5): ViewerView => ({ page: null, zoom, x, y, pointer: null });

describe("The presenter's view, as it is shared", () => {
  it('should call two views the same only within about a pixel, more finely the deeper the zoom', () => {
    expect(sameView(view(1), view(1.001))).toBe(true);
    expect(sameView(view(1), view(1.5))).toBe(false);
    // At × 1 a shift of 1/1000 of the width is under a pixel; at × 20 it is 20 times as large on screen.
    expect(sameView(view(1, 0.5), view(1, 0.501))).toBe(true);
    expect(sameView(view(20, 0.5), view(20, 0.501))).toBe(false);
    expect(sameView({ ...view(1), page: 1 }, { ...view(1), page: 2 })).toBe(false);
    expect(sameView(undefined, view(1))).toBe(false);
  });

  it('should send the first move at once, then at most one per interval, never dropping the last', () => {
    jest.useFakeTimers();
    try {
      const sent: number[] = [];
      const send = throttle((n: number) => sent.push(n), 150);
      send(1);
      expect(sent).toEqual([1]);
      send(2);
      send(3);
      expect(sent).toEqual([1]);
      jest.advanceTimersByTime(150);
      expect(sent).toEqual([1, 3]);
      jest.advanceTimersByTime(1000);
      send(4);
      expect(sent).toEqual([1, 3, 4]);
      send(5);
      send.cancel();
      jest.advanceTimersByTime(1000);
      expect(sent).toEqual([1, 3, 4]);
    } finally {
      jest.useRealTimers();
    }
  });
});
