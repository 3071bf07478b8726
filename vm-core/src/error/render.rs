//! Errors as text, as `svm` and the playground show them: a diagnostic like a
//! compiler's (`error: …`, `--> FILE:LINE:COL`, the source line with carets under the
//! token, the notes), and a runtime error's stack trace and data stack after it. The
//! error types are in the parent module; this adds their `render` methods and the
//! pieces hosts reuse ([`headline`], [`excerpt`]).

use alloc::string::{String, ToString};
use core::fmt::Write;

use unicode_width::UnicodeWidthChar;

use super::{CompileError, Diagnostic, RuntimeError, Span, Trace};
use crate::text::{counted, plural};

impl Diagnostic {
    /// Renders the diagnostic like a compiler does: `error: …` (see [`headline`]), the
    /// position as `--> FILE:LINE:COL`, the source line (a window of it around the token
    /// when it is long, see [`excerpt`]) with a caret under the token, and the notes.
    pub fn render(&self, source: &str, file: &str) -> String {
        let mut out = String::new();
        render_into(&mut out, self, source, file);
        out
    }
}

impl CompileError {
    /// Renders every diagnostic as [`Diagnostic::render`] does (what `svm` prints), one
    /// after the other: `source` is the text compiled, `file` the name to show for it.
    ///
    /// ```
    /// let source = "1 2 +\nfoo call";
    /// let error = vm_core::compile(source).unwrap_err();
    /// let shown = error.render(source, "x.svm");
    /// let first = "error: undefined label `foo` (1 reference)\n --> x.svm:2:1\n  |\n2 | foo call\n  | ^^^\n";
    /// assert!(shown.starts_with(first), "{shown}");
    /// assert!(shown.ends_with("= note: define it with `foo:` before the code it should point to\n"));
    /// ```
    pub fn render(&self, source: &str, file: &str) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            render_into(&mut out, d, source, file);
        }
        out
    }
}

impl Trace {
    /// Writes the trace as errors show it: `stack trace, innermost first:` (with the
    /// number of calls when it is folded), one line per entry, a line for each run of
    /// identical calls and for the calls left out, and `in the main program`.
    fn render_into(&self, out: &mut String, call_site: &dyn Fn(Span) -> String) {
        if self.frames.len() == self.depth {
            let _ = writeln!(out, "stack trace, innermost first:");
        } else {
            let _ = writeln!(
                out,
                "stack trace, innermost first ({}):",
                counted(self.depth as u64, "call")
            );
        }
        for (i, frame) in self.frames.iter().enumerate() {
            if let Some(gap) = self.left_out.filter(|g| g.after == i) {
                let _ = writeln!(out, "    … {} left out", counted(gap.calls as u64, "frame"));
            }
            let _ = writeln!(
                out,
                "    in {} (called at {})",
                crate::text::escape_controls(&frame.name()),
                call_site(frame.call_span)
            );
            if frame.repeat > 1 {
                let more = (frame.repeat - 1) as u64;
                let _ = writeln!(
                    out,
                    "    … {} more identical frame{}",
                    crate::text::thousands(more),
                    plural(more)
                );
            }
        }
        let _ = writeln!(out, "    in the main program");
    }
}

impl RuntimeError {
    /// Renders the error: like a compile error, then the stack trace (folded: see
    /// [`Trace`]) and the top of the data stack, each value as
    /// [`Value::shown`](crate::value::Value::shown) shows it.
    pub fn render(&self, source: &str, file: &str) -> String {
        let esc = crate::text::escape_controls(file);
        self.render_with(source, file, &|s: Span| {
            alloc::format!("{esc}:{}:{}", s.line, s.col)
        })
    }

    /// Like [`RuntimeError::render`], each call of the stack trace placed by `call_site`
    /// (`FILE:LINE:COL` of a call's span): for a host whose program is made of several
    /// sources (a REPL that loaded files).
    pub fn render_with(
        &self,
        source: &str,
        file: &str,
        call_site: &dyn Fn(Span) -> String,
    ) -> String {
        let mut out = String::new();
        render_into(
            &mut out,
            &Diagnostic::new(self.message(), self.span),
            source,
            file,
        );
        self.trace.render_into(&mut out, call_site);
        if self.stack_len == 0 {
            out.push_str("the data stack is empty\n");
            return out;
        }
        let _ = write!(
            out,
            "data stack ({}, top last):",
            counted(self.stack_len as u64, "value")
        );
        if self.stack_len > self.stack_top.len() {
            out.push_str(" …");
        }
        for v in &self.stack_top {
            let _ = write!(out, " {}", v.shown());
        }
        out.push('\n');
        out
    }
}

/// Writes `d` as [`Diagnostic::render`] shows it to `out`.
fn render_into(out: &mut String, d: &Diagnostic, source: &str, file: &str) {
    let s = d.span;
    let gutter = s.line.to_string().len();
    let pad = " ".repeat(gutter);
    let esc = crate::text::escape_controls;
    let _ = writeln!(out, "{}", esc(&headline(&d.message)));
    let _ = writeln!(out, "{pad}--> {}:{}:{}", esc(file), s.line, s.col);
    if let Some((text, carets)) = excerpt(source, s) {
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{} | {}", s.line, text);
        let _ = writeln!(out, "{pad} | {carets}");
    }
    for note in &d.notes {
        match note.span {
            Some(ns) => {
                let _ = writeln!(
                    out,
                    "{pad} = note: {} ({}:{}:{})",
                    esc(&note.message),
                    esc(file),
                    ns.line,
                    ns.col
                );
            }
            None => {
                let _ = writeln!(out, "{pad} = note: {}", esc(&note.message));
            }
        }
    }
}

/// The first line of an error as shown: `error: MESSAGE`, or the message alone when
/// it already calls itself an error (`type error: …`), so that no line says "error"
/// twice.
pub fn headline(message: &str) -> String {
    let colon = message.bytes().position(|b| b == b':');
    let kind = colon.map_or("", |at| &message[..at]);
    if kind == "error" || kind.ends_with(" error") {
        message.to_string()
    } else {
        alloc::format!("error: {message}")
    }
}

/// The most characters of a source line that [`excerpt`] shows.
pub const EXCERPT_CHARS: usize = 120;

/// The source line of `s` and the caret line under it, as errors and the stepper show
/// them. A line longer than [`EXCERPT_CHARS`] characters is shown as a window around the
/// span, with `...` where it was cut, the caret still under the span (and cut at the
/// window's end). `None` when `s` is not on a line of `source`.
pub fn excerpt(source: &str, s: Span) -> Option<(String, String)> {
    let text = source_line(source, s.line)?;
    let (shown, span) = window(text, s);
    let carets = caret_line(&shown, span);
    // Control characters are shown escaped (the carets above measured them so).
    Some((crate::text::escape_controls(&shown).into_owned(), carets))
}

/// The window of `text` that [`excerpt`] shows for `s`, and `s` moved into it.
fn window(text: &str, s: Span) -> (String, Span) {
    let len = text.chars().count();
    if len <= EXCERPT_CHARS {
        return (text.to_string(), s);
    }
    let start = (s.col.saturating_sub(1) as usize).min(len);
    // Some context before the span, as much as fits after it, and never past the end.
    let from = start
        .saturating_sub(EXCERPT_CHARS / 3)
        .min(len - EXCERPT_CHARS);
    let to = from + EXCERPT_CHARS;
    let byte = |chars: usize| {
        text.char_indices()
            .nth(chars)
            .map_or(text.len(), |(b, _)| b)
    };
    let (a, b) = (byte(from), byte(to));
    let lead = if from > 0 { "..." } else { "" };
    let mut shown = String::with_capacity(b - a + 6);
    shown.push_str(lead);
    shown.push_str(&text[a..b]);
    if to < len {
        shown.push_str("...");
    }
    let shift = from as u32;
    let lead = lead.len() as u32;
    let end_col = if s.end_line == s.line {
        s.end_col.min(to as u32 + 1)
    } else {
        to as u32 + 1
    };
    let span = Span {
        col: s.col - shift + lead,
        end_line: s.line,
        end_col: (end_col.max(s.col) - shift + lead),
        ..s
    };
    (shown, span)
}

/// The text of 1-based line `line`, without its line ending.
fn source_line(source: &str, line: u32) -> Option<&str> {
    let text = source.split('\n').nth(line.checked_sub(1)? as usize)?;
    Some(text.strip_suffix('\r').unwrap_or(text))
}

/// The columns `c` takes as [`excerpt`] shows it: a control character as its escape.
fn shown_width(c: char) -> usize {
    crate::text::control_escape(c).map_or_else(|| c.width().unwrap_or(0), |e| e.len())
}

/// Spaces (tabs where the source line has tabs) up to the span, then `^` under it:
/// the line to print below `text` to point at `s`. Wide characters (CJK, emoji) count
/// as two terminal columns, so the caret lines up under them.
fn caret_line(text: &str, s: Span) -> String {
    let mut line = String::new();
    let start = s.col.saturating_sub(1) as usize;
    for c in text.chars().take(start) {
        match c {
            '\t' => line.push('\t'),
            c => (0..shown_width(c)).for_each(|_| line.push(' ')),
        }
    }
    let len = if s.end_line == s.line {
        s.end_col.saturating_sub(s.col) as usize
    } else {
        usize::MAX
    };
    let width: usize = text.chars().skip(start).take(len).map(shown_width).sum();
    for _ in 0..width.max(1) {
        line.push('^');
    }
    line
}

#[cfg(test)]
mod tests {
    use super::super::tests::span;
    use super::*;
    use alloc::format;

    #[test]
    fn renders_caret_under_the_token() {
        let src = "1 2 +\n\tfoo bar\r\n";
        let d = Diagnostic::new("undefined label `bar`", span(2, 6, 9));
        assert_eq!(
            d.render(src, "x.svm"),
            "error: undefined label `bar`\n --> x.svm:2:6\n  |\n2 | \tfoo bar\n  | \t    ^^^\n"
        );
    }

    #[test]
    fn carets_line_up_under_wide_characters() {
        assert_eq!(caret_line("日本 ab", span(1, 4, 6)), "     ^^");
        assert_eq!(caret_line("x 日本", span(1, 3, 5)), "  ^^^^");
        assert_eq!(caret_line("", span(1, 1, 1)), "^");
    }

    /// The shown line and caret line for the token at character `col` (from 1) of
    /// `len` characters, on a one-line `source`.
    fn excerpt_at(source: &str, col: u32, len: u32) -> (String, String) {
        excerpt(source, span(1, col, col + len)).unwrap()
    }

    #[test]
    fn long_lines_are_windowed_around_the_caret() {
        let line: String = (0..1000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        // At the start: no `...` before, the caret where it was.
        let (text, carets) = excerpt_at(&line, 3, 2);
        assert_eq!(text, format!("{}...", &line[..EXCERPT_CHARS]));
        assert_eq!(carets, "  ^^");
        // In the middle: cut at both ends, the caret under the same characters.
        let (text, carets) = excerpt_at(&line, 500, 3);
        assert!(text.starts_with("...") && text.ends_with("..."), "{text}");
        assert_eq!(text.chars().count(), EXCERPT_CHARS + 6);
        let at = carets.find('^').unwrap();
        assert_eq!(&text[at..at + 3], &line[499..502]);
        assert_eq!(carets.trim_start(), "^^^");
        // At the very end (an error just past the last character): no `...` after.
        let (text, carets) = excerpt_at(&line, 1001, 0);
        assert_eq!(text, format!("...{}", &line[1000 - EXCERPT_CHARS..]));
        assert_eq!(carets.len(), text.len() + 1);
        assert!(carets.ends_with(" ^"));
        // A caret longer than the window stops at its end.
        let (text, carets) = excerpt_at(&line, 10, 900);
        assert_eq!(carets.trim_start().len(), EXCERPT_CHARS - 9);
        assert!(text.ends_with("..."));
        // Short lines are shown whole, as before.
        assert_eq!(
            excerpt_at("1 2 +", 5, 1),
            ("1 2 +".to_string(), "    ^".to_string())
        );
    }

    #[test]
    fn windows_keep_tabs_and_wide_characters_lined_up() {
        let line = format!("{}\tx 日本 y{}", "日".repeat(300), "z".repeat(300));
        // `y` is character 300 + 6 + 1 = 307.
        let (text, carets) = excerpt_at(&line, 307, 1);
        let before: String = text.chars().take_while(|&c| c != 'y').collect();
        let width: usize = before
            .chars()
            .map(|c| if c == '\t' { 0 } else { c.width().unwrap_or(0) })
            .sum();
        assert!(carets.contains('\t'), "the tab is kept: {carets:?}");
        assert_eq!(
            carets.replace('\t', "").len(),
            width + 1,
            "{text}\n{carets}"
        );
        assert!(carets.ends_with(" ^"));
        assert!(text.starts_with("...日"), "{text}");
    }

    #[test]
    fn headlines_say_error_once() {
        assert_eq!(headline("type error: x"), "type error: x");
        assert_eq!(
            headline("division by zero in `/`"),
            "error: division by zero in `/`"
        );
        assert_eq!(headline("stack underflow: x"), "error: stack underflow: x");
        assert_eq!(headline("type error"), "error: type error");
    }

    #[test]
    fn source_line_strips_cr() {
        assert_eq!(source_line("a\r\nb", 1), Some("a"));
        assert_eq!(source_line("a\r\nb", 2), Some("b"));
        assert_eq!(source_line("a", 3), None);
        assert_eq!(source_line("a", 0), None);
    }
}
