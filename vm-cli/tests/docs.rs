//! The programs and commands of README.md, docs/language.md and web/README.md, run by the
//! built `svm` and compared with what the text says they print.
//!
//! Every fenced block of these documents says what it is in its info string:
//!
//! - `svm`: a program. It is run, and what it prints (standard output, then standard
//!   error) must be the `output` block that follows it. The file is named as the output
//!   names it (` --> divide.svm:5:5`), else `program.svm`; a first line `# args: ...`
//!   gives its arguments. A line that ends in `println # X` must print the line `X`.
//! - `console`: commands, each on a line starting with `$ `, run by `sh` from the
//!   repository's root with the built `svm` first on `PATH`; the lines up to the next
//!   command are what it prints (standard output and standard error together).
//! - `output`: what the `svm` block before it prints.
//! - `sh` (building, setting up, installing: run by `scripts/test.sh` itself), `rust`
//!   (the crate docs' example, `vm-core/tests/docs.rs`), `html` (a snippet), `text`
//!   (not run here: the README's REPL session, which needs a terminal and Ctrl+C, is
//!   typed into `svm` on a pseudo-terminal by `vm-cli/tests/terminal.rs`).
//!
//! A block without an info string fails the test.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{scratch, text};

/// The documents whose programs and commands are run.
const DOCS: [&str; 3] = ["README.md", "docs/language.md", "web/README.md"];

/// A fenced block: its info string, its text (the fence's indentation taken off) and
/// the line of its opening fence.
#[derive(Debug)]
struct Block {
    info: String,
    text: String,
    line: usize,
}

/// The fenced blocks of `doc`, in order.
fn blocks(doc: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut lines = doc.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let trimmed = line.trim_start();
        let Some(info) = trimmed.strip_prefix("```") else {
            continue;
        };
        let indent = line.len() - trimmed.len();
        let mut body = String::new();
        for (_, inner) in lines.by_ref() {
            if inner.trim() == "```" {
                break;
            }
            body.push_str(inner.get(indent..).unwrap_or(inner.trim_start()));
            body.push('\n');
        }
        found.push(Block {
            info: info.trim().to_string(),
            text: body,
            line: n + 1,
        });
    }
    found
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// What a run printed: standard output, then standard error.
fn printed(out: &std::process::Output) -> String {
    text(&out.stdout) + &text(&out.stderr)
}

/// Runs the program `source` as the file the `expected` output names, with the
/// arguments of its `# args:` line; what it printed.
fn run_program(source: &str, expected: &str, dir: &Path) -> String {
    let name = expected
        .split(" --> ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .unwrap_or("program.svm");
    std::fs::write(dir.join(name), source).unwrap();
    let args = source
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# args:"))
        .unwrap_or("");
    let out = Command::new(env!("CARGO_BIN_EXE_svm"))
        .current_dir(dir)
        .arg(name)
        .args(args.split_whitespace())
        .output()
        .unwrap();
    printed(&out)
}

/// The `println # X` comments of a program: the lines it says it prints.
fn said_to_print(source: &str) -> Vec<&str> {
    source
        .lines()
        .filter_map(|l| {
            let (code, comment) = l.split_once('#')?;
            code.trim_end().ends_with("println").then(|| comment.trim())
        })
        .collect()
}

/// A directory holding `svm`, the binary under test, to put first on `PATH`.
fn bin_dir() -> PathBuf {
    let dir = scratch("docs-bin");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_svm"), dir.join("svm")).unwrap();
    dir
}

/// The commands of a `console` block with what each prints.
fn commands(block: &str) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = Vec::new();
    for line in block.lines() {
        match line.strip_prefix("$ ") {
            Some(command) => found.push((command.to_string(), String::new())),
            None => {
                let (_, out) = found.last_mut().expect("a console block starts with `$ `");
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    found
}

#[test]
fn every_program_and_command_of_the_docs_prints_what_the_text_says() {
    let dir = scratch("docs-programs");
    let bin = bin_dir();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let mut failures = Vec::new();
    let mut ran = 0;
    for doc in DOCS {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        let blocks = blocks(&text);
        for (i, b) in blocks.iter().enumerate() {
            let at = format!("{doc}:{}", b.line);
            match b.info.as_str() {
                "svm" => {
                    let Some(expected) = blocks.get(i + 1).filter(|n| n.info == "output") else {
                        failures.push(format!("{at}: an `svm` block needs an `output` block after it"));
                        continue;
                    };
                    let got = run_program(&b.text, &expected.text, &dir);
                    if got != expected.text {
                        failures.push(format!("{at}: the program prints\n{got}\nnot, as the text says,\n{}", expected.text));
                    }
                    for line in said_to_print(&b.text) {
                        if !got.lines().any(|l| l == line) {
                            failures.push(format!("{at}: a comment says it prints `{line}`; it prints\n{got}"));
                        }
                    }
                    ran += 1;
                }
                "console" => {
                    for (command, expected) in commands(&b.text) {
                        let out = Command::new("sh")
                            .arg("-c")
                            .arg(format!("{command} 2>&1"))
                            .current_dir(root())
                            .env("PATH", &path)
                            .env("NO_COLOR", "1")
                            .output()
                            .unwrap();
                        let got = printed(&out);
                        if got != expected {
                            failures.push(format!("{at}: `{command}` prints\n{got}\nnot, as the text says,\n{expected}"));
                        }
                        ran += 1;
                    }
                }
                "output" => {
                    if i == 0 || blocks[i - 1].info != "svm" {
                        failures.push(format!("{at}: an `output` block follows an `svm` block"));
                    }
                }
                "sh" | "rust" | "html" | "text" => {}
                other => failures.push(format!(
                    "{at}: a fenced block says what it is: svm, output, console, sh, rust, html or text (found {other:?})"
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(ran >= 10, "only {ran} programs and commands were run");
}

#[test]
fn blocks_are_found_with_their_info_and_indentation() {
    let doc = "text\n```svm\n1 println # 1\n```\n- item\n\n  ```output\n  1\n  ```\n";
    let found = blocks(doc);
    assert_eq!(found.len(), 2);
    assert_eq!(
        (
            found[0].info.as_str(),
            found[0].text.as_str(),
            found[0].line
        ),
        ("svm", "1 println # 1\n", 2)
    );
    assert_eq!(
        (found[1].info.as_str(), found[1].text.as_str()),
        ("output", "1\n")
    );
    assert_eq!(said_to_print("2 3 + println   # 5\n# 7\nx: # 8"), ["5"]);
    assert_eq!(
        commands("$ svm a\nA\nB\n$ svm b\n"),
        [
            ("svm a".to_string(), "A\nB\n".to_string()),
            ("svm b".to_string(), String::new())
        ]
    );
}

/// The documents whose machine-dependent figures are checked for their note.
const FIGURE_DOCS: [&str; 4] = [
    "README.md",
    "docs/language.md",
    "docs/reliability.md",
    "web/README.md",
];

/// The paragraphs of `doc` with their first line: runs of non-blank lines; a table is
/// one paragraph of its own.
fn paragraphs(doc: &str) -> Vec<(usize, String)> {
    let mut found: Vec<(usize, String)> = Vec::new();
    let mut open = false;
    let mut in_table = false;
    for (n, line) in doc.lines().enumerate() {
        let row = line.starts_with('|');
        if line.trim().is_empty() {
            open = false;
        } else if !open || row != in_table {
            found.push((n + 1, line.to_string()));
            open = true;
        } else if let Some((_, p)) = found.last_mut() {
            p.push('\n');
            p.push_str(line);
        }
        in_table = row;
    }
    found
}

/// Whether `text` carries the note of a measurement: `YYYY-MM-DD, commit HASH,
/// PROCESSOR` (the processor as `grep -m1 'model name' /proc/cpuinfo` names it).
fn has_note(text: &str) -> bool {
    let flat = text.replace('\n', " ");
    flat.match_indices(", commit ").any(|(at, _)| {
        let date = flat[..at].chars().rev().take(10).collect::<String>();
        let date: String = date.chars().rev().collect();
        let dated = date.len() == 10
            && date.chars().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            });
        let rest = &flat[at + ", commit ".len()..];
        let hash = rest.chars().take_while(char::is_ascii_hexdigit).count();
        // The processor follows the next ", " (a remark in parentheses may come first).
        let after: String = rest[hash..].chars().take(80).collect();
        let processor = after.split_once(", ").is_some_and(|(_, p)| {
            ["AMD", "Intel", "Apple", "ARM", "Ampere"]
                .iter()
                .any(|v| p.starts_with(v))
        });
        dated && hash >= 7 && processor
    })
}

#[test]
fn measured_figures_carry_their_date_commit_and_processor() {
    // The convention: a figure that depends on the machine (a time, a speed) says that it
    // was measured, and the same paragraph (or table row) says when, on which commit and
    // on which processor: `(2026-11-26, commit 29a7555, AMD EPYC)`.
    let mut missing = Vec::new();
    for doc in FIGURE_DOCS {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        for (line, p) in paragraphs(&text) {
            if p.to_lowercase().contains("measured") && !has_note(&p) {
                missing.push(format!("{doc}:{line}: {}", p.lines().next().unwrap()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "these measured figures do not say the date, commit and processor (`YYYY-MM-DD, commit HASH, PROCESSOR`):\n{}",
        missing.join("\n")
    );
}

#[test]
fn a_note_has_a_date_a_commit_and_a_processor() {
    assert!(has_note(
        "0.58 s (measured 2026-11-26, commit 29a7555, AMD EPYC)"
    ));
    assert!(has_note(
        "(2026-11-25, commit f4eb9b1 (where\nthey were written), AMD EPYC 7B13)"
    ));
    assert!(!has_note("(2026-11-26, commit 29a7555)"));
    assert!(!has_note("(26 November, commit 29a7555, AMD EPYC)"));
    assert!(!has_note("(2026-11-26, commit abc, AMD EPYC)"));
    assert!(!has_note("(2026-11-26, AMD EPYC)"));
    let ps = paragraphs("a\nb\n\n| x |\n| y |\nc\n");
    assert_eq!(
        ps,
        [
            (1, "a\nb".into()),
            (4, "| x |\n| y |".into()),
            (6, "c".into())
        ]
    );
}
