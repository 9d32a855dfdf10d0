// The YAML editor: CodeMirror with the sheet checker's findings at their lines. The checker runs
// on the server (`POST /api/lint`), debounced by CodeMirror's linter as the user types.

import { yaml } from '@codemirror/lang-yaml';
import { type Diagnostic, linter, lintGutter } from '@codemirror/lint';
import { EditorView } from '@codemirror/view';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { post } from '../../api.ts';
import type { Finding } from '../../types.ts';
import { editorBasics } from './editor-setup.ts';
import { findingRange } from './sheet-facts.ts';

/** How long typing must pause before the sheet is checked again (ms). */
const LINT_DELAY = 450;

export interface YamlEditorHandle {
  /** Moves the cursor to a line and scrolls it into view. */
  goToLine: (line: number) => void;
  /** Replaces the whole text (an import, a template, another version). */
  setText: (text: string) => void;
}

interface Props {
  initial: string;
  onChange: (text: string) => void;
  /** The latest findings for the text on screen (undefined while the check could not run). */
  onFindings: (findings: Finding[] | undefined, error?: string) => void;
  readOnly?: boolean;
}

function toDiagnostics(text: string, findings: Finding[]): Diagnostic[] {
  const lines = text.split('\n');
  return findings.map((f) => {
    const { from, to } = findingRange(lines, f);
    return {
      from,
      to,
      severity: f.severity,
      source: f.rule,
      message: f.message,
      renderMessage: () => {
        const el = document.createElement('div');
        const msg = document.createElement('div');
        msg.textContent = f.message;
        el.append(msg);
        if (f.hint) {
          const hint = document.createElement('span');
          hint.className = 'cm-hint';
          hint.textContent = f.hint;
          el.append(hint);
        }
        return el;
      },
    };
  });
}

export const YamlEditor = forwardRef<YamlEditorHandle, Props>(function YamlEditor({ initial, onChange, onFindings, readOnly }, ref) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // The callbacks change on every render of the page; the editor is built once and reads the latest.
  const callbacks = useRef({ onChange, onFindings });
  callbacks.current = { onChange, onFindings };

  // biome-ignore lint/correctness/useExhaustiveDependencies: built once; `initial` only seeds it (setText replaces the text)
  useEffect(() => {
    if (!host.current) return;
    const check = linter(
      async (v) => {
        const text = v.state.doc.toString();
        try {
          const { findings } = await post<{ findings: Finding[] }>('/api/lint', { yaml: text });
          if (v.state.doc.toString() === text) callbacks.current.onFindings(findings);
          return toDiagnostics(text, findings);
        } catch (e) {
          callbacks.current.onFindings(undefined, e instanceof Error ? e.message : String(e));
          return [];
        }
      },
      { delay: LINT_DELAY },
    );
    const v = new EditorView({
      parent: host.current,
      doc: initial,
      extensions: [
        editorBasics(),
        yaml(),
        lintGutter(),
        check,
        EditorView.lineWrapping,
        EditorView.editable.of(!readOnly),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) callbacks.current.onChange(u.state.doc.toString());
        }),
        EditorView.contentAttributes.of({ 'data-testid': 'sheet-editor-input', 'aria-label': 'SOP sheet YAML' }),
      ],
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
  }, []);

  useImperativeHandle(ref, () => ({
    goToLine(line: number) {
      const v = view.current;
      if (!v) return;
      const l = v.state.doc.line(Math.min(Math.max(line, 1), v.state.doc.lines));
      v.dispatch({ selection: { anchor: l.from }, effects: EditorView.scrollIntoView(l.from, { y: 'center' }) });
      v.focus();
    },
    setText(text: string) {
      const v = view.current;
      if (!v) return;
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } });
    },
  }));

  return <div className="editor-box-host" ref={host} data-testid="sheet-editor" />;
});
