//! Colours for diagnostics on a terminal: `error` in red, `warning` in yellow, `note` in cyan, the carets
//! under the faulty text in red, the `-->` position in blue. Off when standard error is
//! not a terminal, `NO_COLOR` is set (<https://no-color.org>) or `TERM=dumb`, unless
//! `CLICOLOR_FORCE` is set or `--color=always` given.

use std::io::IsTerminal;
use std::sync::OnceLock;

const RED: &str = "\x1b[1;31m";
const CYAN: &str = "\x1b[1;36m";
const BLUE: &str = "\x1b[1;34m";
const YELLOW: &str = "\x1b[1;33m";
const RESET: &str = "\x1b[0m";

/// When to colour messages: `--color=auto|always|never`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum When {
    /// On a terminal, unless `NO_COLOR` is set or `TERM=dumb`; `CLICOLOR_FORCE` forces.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

static ON: OnceLock<bool> = OnceLock::new();

/// Decides once, from `--color` and the environment, whether messages are coloured.
pub fn set(when: When) {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let on = match when {
        When::Always => true,
        When::Never => false,
        When::Auto => decide_auto(
            std::io::stderr().is_terminal(),
            var("NO_COLOR").is_some(),
            var("CLICOLOR_FORCE").is_some_and(|v| v != "0"),
            std::env::var_os("TERM").is_some_and(|t| t == "dumb"),
        ),
    };
    let _ = ON.set(on);
}

/// `--color=auto`: forced by `CLICOLOR_FORCE`, else off with `NO_COLOR`, off on a
/// dumb terminal, and else on a terminal only.
fn decide_auto(terminal: bool, no_color: bool, force: bool, dumb: bool) -> bool {
    force || (!no_color && !dumb && terminal)
}

/// Should text for standard error be coloured?
pub fn enabled() -> bool {
    *ON.get_or_init(|| {
        std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    })
}

/// `text` (whole lines of diagnostics) with colours.
pub fn paint(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    for line in text.split_inclusive('\n') {
        out.push_str(&paint_line(line));
    }
    out
}

fn paint_line(line: &str) -> String {
    // `error: …`, `type error: …`: the kind in red.
    if let Some((kind, rest)) = line.split_once(": ") {
        if !line.starts_with(' ') && kind.ends_with("error") && !kind.contains('|') {
            return format!("{RED}{kind}{RESET}: {rest}");
        }
        if kind == "warning" {
            return format!("{YELLOW}warning{RESET}: {rest}");
        }
        if kind == "note" {
            return format!("{CYAN}note{RESET}: {rest}");
        }
        if let Some((pad, _)) = kind
            .split_once("= note")
            .filter(|(p, _)| p.trim().is_empty())
        {
            return format!("{pad}= {CYAN}note{RESET}: {rest}");
        }
    }
    if let Some((pad, rest)) = line.split_once("--> ") {
        if pad.trim().is_empty() {
            return format!("{pad}{BLUE}-->{RESET} {rest}");
        }
    }
    // The caret line under an excerpt: `  |    ^^^`.
    if let Some((gutter, marks)) = line.split_once(" | ") {
        let body = marks.trim_end();
        if gutter.trim().is_empty()
            && !body.is_empty()
            && body.trim_start().chars().all(|c| c == '^')
        {
            let indent = body.len() - body.trim_start().len();
            let end = &marks[body.len()..];
            return format!(
                "{gutter} | {}{RED}{}{RESET}{end}",
                &body[..indent],
                body.trim_start()
            );
        }
    }
    line.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_follows_the_environment() {
        assert!(decide_auto(true, false, false, false));
        assert!(!decide_auto(false, false, false, false));
        assert!(!decide_auto(true, true, false, false), "NO_COLOR");
        assert!(!decide_auto(true, false, false, true), "TERM=dumb");
        assert!(decide_auto(false, true, true, true), "CLICOLOR_FORCE wins");
    }

    #[test]
    fn paints_the_parts_of_a_diagnostic() {
        let plain = "error: undefined label `x`\n --> a.svm:1:3\n  |\n1 | 1 x\n  |   ^\n  = note: did you mean `y`?\ntype error: bad\nnote: execution ran into `f:`\n";
        let painted = paint(plain);
        assert_eq!(
            painted,
            format!(
                "{RED}error{RESET}: undefined label `x`\n {BLUE}-->{RESET} a.svm:1:3\n  |\n1 | 1 x\n  |   {RED}^{RESET}\n  = {CYAN}note{RESET}: did you mean `y`?\n{RED}type error{RESET}: bad\n{CYAN}note{RESET}: execution ran into `f:`\n"
            )
        );
        assert_eq!(
            paint("warning: paths meet\n"),
            format!("{YELLOW}warning{RESET}: paths meet\n")
        );
        // Source lines and stacks are left alone, whatever they hold.
        let other = "1 | \"error: x\" println\ndata stack (1 value, top last): 1\n";
        assert_eq!(paint(other), other);
    }
}
