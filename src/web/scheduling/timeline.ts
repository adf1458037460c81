import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import { clockTime, minutesOfDay } from '../ui/format.js';
import { html } from '../ui/html.js';
import { GRID, MINUTE, subtract, type Span } from './day-math.js';

export interface TimelineItem {
  key: string;
  span: Span;
  /** What the item says on the timeline: its words carry the meaning, its colour only helps. */
  children: ComponentChildren;
  /** The whole of it in one line (tooltip, and the accessible name of a movable item). */
  label: string;
  href?: string;
  /** The patient's colour (an index into the palette). */
  tone?: number;
  proposed?: boolean;
  conflict?: boolean;
}

export interface TimelineLane {
  key: string;
  title: ComponentChildren;
  /** When known: the lane's available time; the rest of the lane is shown as not available. */
  free?: Span[];
  items: TimelineItem[];
}

/** Hours around the range, in the clinic's zone: from the hour at or before its start to the hour at or after its end. */
export function hourRange(span: Span, timeZone: string): Span {
  const start = span.start - (minutesOfDay(new Date(span.start), timeZone) % 60) * MINUTE;
  const past = minutesOfDay(new Date(span.end), timeZone) % 60;
  return { start, end: past === 0 ? span.end : span.end + (60 - past) * MINUTE };
}

/**
 * The hours to draw: available time within the clinic day and every booking
 * (even one outside it, after hours changed); the clinic day when there is neither.
 */
export function rangeOf(free: readonly Span[], booked: readonly Span[], clinicDay: Span): Span {
  const all = [
    ...free
      .map((s) => ({ start: Math.max(s.start, clinicDay.start), end: Math.min(s.end, clinicDay.end) }))
      .filter((s) => s.end > s.start),
    ...booked,
  ];
  if (all.length === 0) return clinicDay;
  return { start: Math.min(...all.map((s) => s.start)), end: Math.max(...all.map((s) => s.end)) };
}

/**
 * A day as a CSS grid: one column of 5 minutes each, hours labelled in the
 * clinic's zone, one lane per row. Free time is shown as "Free", time outside
 * availability as hatched; gaps between visits stay visible. Items are links
 * (to the case), or, with `onDrop`/`onStep`, buttons that move by dragging or
 * with the arrow keys.
 */
export function Timeline(props: {
  lanes: TimelineLane[];
  range: Span;
  timeZone: string;
  label: string;
  headLabel: string;
  onDrop?: (key: string, deltaMs: number) => void;
  onStep?: (key: string, direction: -1 | 1) => void;
  moveHint?: string;
}) {
  const range = hourRange(props.range, props.timeZone);
  const columns = Math.max(1, Math.round((range.end - range.start) / GRID));
  const hours = Math.max(1, Math.round((range.end - range.start) / (60 * MINUTE)));
  const col = (t: number): number => 2 + Math.max(0, Math.min(columns, Math.round((t - range.start) / GRID)));
  const place = (row: number, s: Span) =>
    `grid-row:${row};grid-column:${col(s.start)} / ${Math.max(col(s.end), col(s.start) + 1)}`;
  const drag = useRef<{ key: string; x: number; width: number; el: HTMLElement } | null>(null);
  const hintId = `tl-hint-${props.label.replace(/\W+/g, '-')}`;

  const hourCells = Array.from({ length: hours }, (_, i) => {
    const t = range.start + i * 60 * MINUTE;
    return html`<div class="tl-hour" style=${`grid-row:1;grid-column:${col(t)} / span 12`} aria-hidden="true">
      ${clockTime(new Date(t), props.timeZone)}
    </div>`;
  });

  const movable = props.onDrop !== undefined || props.onStep !== undefined;
  const item = (row: number, it: TimelineItem) => {
    const cls = [
      'tl-item',
      `tone-${(it.tone ?? 0) % 6}`,
      it.proposed === true ? 'tl-proposed' : '',
      it.conflict === true ? 'tl-conflict' : '',
    ]
      .filter((c) => c !== '')
      .join(' ');
    // The whole sentence for screen readers; the short visible lines are hidden from them.
    const content = html`<span class="sr-only">${it.label}</span
      ><span class="tl-visible" aria-hidden="true">${it.children}</span>`;
    if (!movable)
      return html`<a class=${cls} href=${it.href} title=${it.label} style=${place(row, it.span)}>${content}</a>`;
    return html`<button
      type="button"
      class=${`${cls} tl-movable`}
      title=${it.label}
      aria-describedby=${props.moveHint === undefined ? undefined : hintId}
      style=${place(row, it.span)}
      onKeyDown=${(e: KeyboardEvent) => {
        if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
        e.preventDefault();
        props.onStep?.(it.key, e.key === 'ArrowLeft' ? -1 : 1);
      }}
      onPointerDown=${(e: PointerEvent) => {
        const el = e.currentTarget as HTMLElement;
        const track = el.parentElement?.querySelector('.tl-lane-bg');
        if (props.onDrop === undefined || track === null || track === undefined) return;
        el.setPointerCapture(e.pointerId);
        drag.current = { key: it.key, x: e.clientX, width: track.getBoundingClientRect().width, el };
      }}
      onPointerMove=${(e: PointerEvent) => {
        const d = drag.current;
        if (d === null || d.key !== it.key) return;
        d.el.style.transform = `translateX(${e.clientX - d.x}px)`;
      }}
      onPointerUp=${(e: PointerEvent) => {
        const d = drag.current;
        drag.current = null;
        if (d === null || d.key !== it.key) return;
        d.el.style.transform = '';
        const dx = e.clientX - d.x;
        // A click, not a drag.
        if (Math.abs(dx) < 4) return;
        props.onDrop?.(it.key, (dx / d.width) * (range.end - range.start));
      }}
      onPointerCancel=${() => {
        if (drag.current !== null) drag.current.el.style.transform = '';
        drag.current = null;
      }}
    >
      ${content}
    </button>`;
  };

  const lanes = props.lanes.map((lane, i) => {
    const row = i + 2;
    const items = [...lane.items].sort((a, b) => a.span.start - b.span.start);
    const gaps =
      lane.free === undefined
        ? []
        : subtract(
            lane.free.map((w) => ({ start: Math.max(w.start, range.start), end: Math.min(w.end, range.end) })),
            items.map((x) => x.span),
          ).filter((g) => g.end - g.start >= GRID);
    return html`<div class="tl-head" style=${`grid-row:${row};grid-column:1`}>${lane.title}</div>
      <div
        class=${`tl-lane-bg${lane.free === undefined ? '' : ' tl-unavailable'}`}
        style=${`grid-row:${row};grid-column:2 / -1;--tl-hours:${hours}`}
        aria-hidden="true"
      ></div>
      ${gaps.map(
        (g) =>
          html`<div class="tl-gap" style=${place(row, g)}>
            <span aria-hidden="true">${g.end - g.start >= 20 * MINUTE ? 'Free' : ''}</span>
            <span class="sr-only">
              Free ${clockTime(new Date(g.start), props.timeZone)} to ${clockTime(new Date(g.end), props.timeZone)}
            </span>
          </div>`,
      )}
      ${
        lane.free !== undefined && lane.free.length === 0 && items.length === 0
          ? html`<div class="tl-none" style=${`grid-row:${row};grid-column:2 / -1`}>Not available this day</div>`
          : null
      }
      ${items.map((it) => item(row, it))}`;
  });

  return html`<div class="tl-scroll scroll-x" role="region" aria-label=${props.label} tabindex="0">
    ${props.moveHint === undefined ? null : html`<p id=${hintId} class="hint">${props.moveHint}</p>`}
    <div
      class="tl"
      style=${`--tl-hours:${hours};grid-template-columns:var(--tl-head-width) repeat(${columns}, minmax(0, 1fr));grid-template-rows:auto repeat(${props.lanes.length}, minmax(var(--tl-row), auto))`}
    >
      <div class="tl-corner" style="grid-row:1;grid-column:1">${props.headLabel}</div>
      ${hourCells} ${lanes}
    </div>
  </div>`;
}
