//! `svm fmt`: programs in the canonical layout of [`vm_core::format`], printed, checked
//! (`--check`) or rewritten in place (`-w`).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::CommandFactory;

use crate::source::{self, LoadError, Source};
use crate::{report_compile_errors, EXIT_COMPILE};

/// `--check` found a file that is not formatted.
pub const EXIT_UNFORMATTED: u8 = 1;

/// The options of `svm fmt`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Labels start their line and the code after them is indented by four spaces; one space
between tokens; the lines stay as written (only a label definition is cut out of its
line); comments stay at their column; blank lines are kept, a run of them as one. The
tokens never change, so neither does what the program does.

Exit codes: 0 when done (with --check: every file is formatted), 1 with --check when a
file is not, 65 when a file has lexical errors (reported as `svm --check` does; the file
is left as it is), 2 for usage errors and unreadable files, 74 when a file cannot be
written. With several files, every file is done and the largest code is given.")]
pub struct FmtArgs {
    /// Only check: name each file that is not formatted, with its first differing line,
    /// and exit with 1 if there is one.
    #[arg(long, conflicts_with = "write")]
    check: bool,

    /// Rewrite each file that is not formatted in place (nothing is said or written when
    /// it is).
    #[arg(short = 'w', long = "write")]
    write: bool,

    /// The programs (`examples/fib` finds `examples/fib.svm`; `-` reads standard input).
    /// Without --check or -w, one FILE, printed formatted to standard output.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
}

/// Runs `svm fmt`; the exit code.
pub fn run(args: &FmtArgs) -> u8 {
    if !args.check && !args.write && args.files.len() > 1 {
        usage_error("several files need --check or -w; without them one FILE is printed");
    }
    let stdin = Path::new("-");
    if args.write && args.files.iter().any(|f| f == stdin) {
        usage_error("-w cannot rewrite standard input (`-`); without -w it prints the result");
    }
    args.files
        .iter()
        .map(|file| one(file, args))
        .max()
        .unwrap_or(0)
}

/// A usage error of `svm fmt`, shown as clap shows them, with the usage line.
fn usage_error(message: &str) -> ! {
    let mut svm = crate::Cli::command();
    svm.build();
    let fmt = svm.find_subcommand_mut("fmt").expect("the fmt subcommand");
    crate::usage_exit(&fmt.error(clap::error::ErrorKind::ArgumentConflict, message))
}

/// Formats one file as `args` say; its exit code.
fn one(file: &Path, args: &FmtArgs) -> u8 {
    let (path, loaded) = if file == Path::new("-") {
        (None, source::load_stdin())
    } else {
        let path = source::resolve(file);
        let loaded = source::load(&path);
        (Some(path), loaded)
    };
    let src = match loaded {
        Ok(s) => s,
        Err(LoadError::Usage(msg)) => {
            errln!("error: {msg}");
            return crate::EXIT_NO_INPUT;
        }
        Err(LoadError::Invalid(msg)) => {
            err!("{msg}");
            return EXIT_COMPILE;
        }
    };
    let formatted = match vm_core::format(&src.text) {
        Ok(text) => text,
        Err(diags) => return report_compile_errors(&diags, &src.text, &src.display_name),
    };
    if args.check {
        return check(&src, &formatted);
    }
    match path.filter(|_| args.write) {
        Some(path) if formatted != src.text => match write_in_place(&path, &formatted) {
            Ok(()) => {
                outln!("formatted {}", src.display_name);
                0
            }
            Err(e) => {
                errln!("error: cannot write {}: {e}", path.display());
                crate::host::EXIT_IO
            }
        },
        Some(_) => 0,
        None => {
            out!("{formatted}");
            0
        }
    }
}

/// `--check` of one file: nothing when it is formatted; else its name and its first line
/// that differs, before and after (quoted, so that spaces, tabs and line ends show).
fn check(src: &Source, formatted: &str) -> u8 {
    let Some((line, was, becomes)) = first_difference(&src.text, formatted) else {
        return 0;
    };
    let shown =
        |l: Option<&str>| l.map_or_else(|| "(end of file)".to_string(), |l| format!("{l:?}"));
    outln!("{}:{line}: not formatted", src.display_name);
    outln!("  - {}", shown(was));
    outln!("  + {}", shown(becomes));
    EXIT_UNFORMATTED
}

/// The first line (from 1, with its line end) where `a` and `b` differ, and that line
/// in each (`None` past its end); `None` when they are equal.
fn first_difference<'a>(
    a: &'a str,
    b: &'a str,
) -> Option<(usize, Option<&'a str>, Option<&'a str>)> {
    let (mut a_lines, mut b_lines) = (a.split_inclusive('\n'), b.split_inclusive('\n'));
    let mut line = 0;
    loop {
        line += 1;
        match (a_lines.next(), b_lines.next()) {
            (None, None) => return None,
            (x, y) if x != y => return Some((line, x, y)),
            _ => {}
        }
    }
}

/// Replaces the file at `path` (through symbolic links) with `text` at once: writes a
/// temporary file in the same directory, gives it the file's permissions, and renames
/// it over the file. A read-only file is refused, as an editor would.
fn write_in_place(path: &Path, text: &str) -> io::Result<()> {
    let path = fs::canonicalize(path)?;
    let permissions = fs::metadata(&path)?.permissions();
    if permissions.readonly() {
        return Err(io::Error::from(io::ErrorKind::PermissionDenied));
    }
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temporary = path.with_file_name(format!(".{name}.{}.fmt", std::process::id()));
    let written = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        fs::set_permissions(&temporary, permissions)?;
        fs::rename(&temporary, &path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_differing_line() {
        assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
        assert_eq!(
            first_difference("a\n b\nc\n", "a\nb\nc\n"),
            Some((2, Some(" b\n"), Some("b\n")))
        );
        assert_eq!(
            first_difference("a\r\n", "a\n"),
            Some((1, Some("a\r\n"), Some("a\n")))
        );
        assert_eq!(
            first_difference("a", "a\n"),
            Some((1, Some("a"), Some("a\n")))
        );
        assert_eq!(
            first_difference("a\n\n\n", "a\n"),
            Some((2, Some("\n"), None))
        );
    }
}
