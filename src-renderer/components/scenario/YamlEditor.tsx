/**
 * A plain textarea with a line-number gutter (no editor dependency): monospace, tab inserts two
 * spaces (YAML forbids tabs), lines with problems marked in the gutter, and `jumpTo` from the
 * problem list puts the caret on the line.
 */
import { forwardRef, useImperativeHandle, useMemo, useRef, useState, type KeyboardEvent } from 'react';

/** Must match .yaml-editor line-height in CSS (px): the gutter and the caret jump rely on it. */
export const LINE_HEIGHT_PX = 22;

export interface YamlEditorHandle {
  jumpTo(line: number, col: number): void;
}

interface Props {
  value: string;
  onChange(text: string): void;
  problemLines: ReadonlySet<number>;
  readOnly: boolean;
}

export const YamlEditor = forwardRef<YamlEditorHandle, Props>(function YamlEditor({ value, onChange, problemLines, readOnly }, ref) {
  const area = useRef<HTMLTextAreaElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const lines = useMemo(() => value.split('\n').length, [value]);

  useImperativeHandle(ref, () => ({
    jumpTo(line, col) {
      const el = area.current;
      if (!el) return;
      const rows = el.value.split('\n');
      let pos = 0;
      for (let i = 0; i < Math.min(line - 1, rows.length); i++) pos += rows[i]!.length + 1;
      pos += Math.max(0, col - 1);
      el.focus();
      el.setSelectionRange(pos, pos);
      el.scrollTop = Math.max(0, (line - 4) * LINE_HEIGHT_PX);
    },
  }));

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (e.key !== 'Tab' || e.shiftKey || readOnly) return;
    e.preventDefault();
    const el = e.currentTarget;
    const { selectionStart: a, selectionEnd: b } = el;
    const next = `${value.slice(0, a)}  ${value.slice(b)}`;
    onChange(next);
    requestAnimationFrame(() => el.setSelectionRange(a + 2, a + 2));
  };

  return (
    <div className="yaml-editor">
      <div className="gutter" aria-hidden="true">
        <div style={{ transform: `translateY(${-scrollTop}px)` }}>
          {Array.from({ length: lines }, (_, i) => (
            <div key={i} className={problemLines.has(i + 1) ? 'gutter-line has-problem' : 'gutter-line'}>
              {i + 1}
            </div>
          ))}
        </div>
      </div>
      <textarea
        ref={area}
        className="yaml-text"
        data-testid="yaml-editor"
        aria-label="Scenario YAML"
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        wrap="off"
        readOnly={readOnly}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      />
    </div>
  );
});
