//! Where the REPL's lines come from: a line editor on a terminal (editing, history kept
//! across sessions, Ctrl+L, Ctrl+R, completion of operations, labels and commands), or
//! plain lines of standard input from a pipe or a file.

use std::path::PathBuf;

use rustyline::completion::Completer;
use rustyline::config::{Behavior, CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::FileHistory;
use rustyline::validate::Validator;
use rustyline::{Context, Editor};
use vm_core::OPS;

use crate::host::{read_line, Read};

/// The REPL's commands, for completion.
pub const COMMANDS: &[&str] = &[
    ":help", ":ops", ":words", ":disasm", ":trace", ":load", ":reload", ":clear", ":reset", ":quit",
];

/// Lines typed at a terminal or read from a pipe.
pub enum Lines {
    /// A terminal: the line editor, and the file its history is kept in.
    Editor(Box<Editor<Words, FileHistory>>, Option<PathBuf>),
    /// A pipe or a file: one line at a time, nothing shown.
    Plain,
}

impl Lines {
    /// The line editor when standard input is a terminal and the editor can work
    /// there, plain lines otherwise.
    pub fn open(terminal: bool) -> Lines {
        if !terminal {
            return Lines::Plain;
        }
        // The prompt and the editing go to the terminal itself (not to standard output
        // when that is a pipe: `svm | tee log` logs the stacks, not escape codes).
        let config = Config::builder()
            .behavior(Behavior::PreferTerm)
            .auto_add_history(false)
            .max_history_size(1000)
            .and_then(|b| b.history_ignore_dups(true))
            .map(|b| b.completion_type(CompletionType::List).build());
        let Ok(mut editor) = config.and_then(Editor::with_config) else {
            return Lines::Plain;
        };
        editor.set_helper(Some(Words::default()));
        let path = history_path();
        if let Some(p) = &path {
            let _ = editor.load_history(p);
        }
        Lines::Editor(Box::new(editor), path)
    }

    /// Is this the line editor (a person at a terminal)?
    pub fn interactive(&self) -> bool {
        matches!(self, Lines::Editor(..))
    }

    /// The next line, shown after `prompt`; kept in the history when `remember`.
    pub fn read(&mut self, prompt: &str, remember: bool) -> Read {
        let Lines::Editor(editor, path) = self else {
            return read_line();
        };
        match editor.readline(prompt) {
            Ok(line) => {
                if remember && !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                    if let Some(p) = path {
                        if let Some(dir) = p.parent() {
                            let _ = std::fs::create_dir_all(dir);
                        }
                        let _ = editor.append_history(p);
                    }
                }
                Read::Line(line)
            }
            Err(ReadlineError::Interrupted) => Read::Interrupted,
            Err(_) => Read::End,
        }
    }

    /// Tells the completion which labels exist now.
    pub fn set_labels(&mut self, labels: Vec<String>) {
        if let Lines::Editor(editor, _) = self {
            if let Some(words) = editor.helper_mut() {
                words.labels = labels;
            }
        }
    }
}

/// The file the REPL's history is kept in: `$XDG_DATA_HOME/svm/history`, else
/// `~/.local/share/svm/history`; none without either variable.
pub fn history_path() -> Option<PathBuf> {
    let nonempty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let data = nonempty("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| nonempty("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(data.join("svm").join("history"))
}

/// What Tab completes: operations, `true`/`false`, the labels defined so far, and at
/// the start of a line the REPL's commands.
#[derive(Default)]
pub struct Words {
    /// The labels defined in the session.
    pub labels: Vec<String>,
}

impl Words {
    /// The words that complete `word`, which starts at byte `start` of its line.
    pub fn candidates(&self, word: &str, start: usize) -> Vec<String> {
        if word.starts_with('"') {
            return Vec::new();
        }
        let commands = COMMANDS.iter().filter(|_| start == 0);
        let mut found: Vec<String> = OPS
            .iter()
            .map(|op| op.name)
            .chain(["true", "false"])
            .chain(commands.copied())
            .chain(self.labels.iter().map(String::as_str))
            .filter(|w| w.starts_with(word))
            .map(str::to_string)
            .collect();
        found.sort();
        found.dedup();
        found
    }
}

impl Completer for Words {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        let before = &line[..pos];
        let start = before
            .rfind(|c: char| c.is_whitespace())
            .map_or(0, |i| i + 1);
        Ok((start, self.candidates(&before[start..], start)))
    }
}

impl Hinter for Words {
    type Hint = String;
}

impl Highlighter for Words {}

impl Validator for Words {}

impl rustyline::Helper for Words {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_operations_labels_and_commands() {
        let words = Words {
            labels: vec!["square".into(), "swap_all".into()],
        };
        assert_eq!(words.candidates("sw", 0), ["swap", "swap_all"]);
        assert_eq!(words.candidates("squ", 3), ["square"]);
        assert_eq!(words.candidates(":q", 0), [":quit"]);
        assert!(words.candidates(":q", 4).is_empty(), "commands start lines");
        assert!(words.candidates("\"sw", 0).is_empty(), "not inside strings");
    }
}
