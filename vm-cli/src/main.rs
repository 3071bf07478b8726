//! `svm`: run, check, disassemble, step through and trace simple-vm programs; a REPL.

/// `out!` to standard output through [`host::out`], which handles a closed pipe.
macro_rules! out {
    ($($t:tt)*) => { $crate::host::out(&format!($($t)*)) };
}
/// `outln!` through [`host::out`].
macro_rules! outln {
    () => { $crate::host::out("\n") };
    ($($t:tt)*) => { $crate::host::out(&format!("{}\n", format_args!($($t)*))) };
}
/// `err!` through [`host::err`], which handles a closed pipe.
macro_rules! err {
    ($($t:tt)*) => { $crate::host::err(&format!($($t)*)) };
}
/// `errln!` through [`host::err`].
macro_rules! errln {
    () => { $crate::host::err("\n") };
    ($($t:tt)*) => { $crate::host::err(&format!("{}\n", format_args!($($t)*))) };
}

mod colour;
mod editor;
mod engine;
mod fmt;
mod host;
mod repl;
mod source;
mod step;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use vm_core::text::counted;
use vm_core::{
    compile, disassemble, disassemble_blocks, parse_args, CompileError, Limits, Machine, Value, OPS,
};

/// Exit code for usage errors (sysexits `EX_USAGE`).
pub const EXIT_USAGE: u8 = 64;
/// Exit code for compile errors and invalid input data (sysexits `EX_DATAERR`).
pub const EXIT_COMPILE: u8 = 65;
/// Exit code for a program file that cannot be read (sysexits `EX_NOINPUT`).
pub const EXIT_NO_INPUT: u8 = 66;
/// Exit code for runtime errors (sysexits `EX_SOFTWARE`).
pub const EXIT_RUNTIME: u8 = 70;

#[derive(Parser, Debug)]
#[command(
    name = "svm",
    version,
    args_conflicts_with_subcommands = true,
    disable_help_subcommand = true,
    about = "Run simple-vm programs: a small Forth-like stack language.",
    after_help = "\
Options go before FILE; everything after FILE is the program's arguments (even what
looks like an option). Each argument is exactly one value, pushed in order before the
program starts: a whole number (`-7`), `true` or `false`, or else a string, taken as
typed (`hello world`, `''`, `1 # x`). A string literal in double quotes
(`'\"a\\tb\"'`) is read with the language's escapes; it must be one literal.
    svm examples/fib 20          # starts with 20 on the stack
    svm greet.svm 'hi there'     # starts with the string `hi there`
    svm -e '1 2 + println'       # runs the code given

Without FILE (or `svm repl`) svm starts a REPL: each entry runs and the stack is shown;
an entry starting with a label definition (`sq: dup * return`) defines it. On a
terminal it edits lines (arrows, Ctrl+R history search, Tab completion, Ctrl+L), keeps
its history in $XDG_DATA_HOME/svm/history, and Ctrl+C stops the running entry or drops
the typed one. :help lists its commands. `svm help [fmt|repl]` shows help.

Ctrl+C stops a run like a runtime error (position, stack trace), then svm ends by
SIGINT, as an uncaught Ctrl+C does (a shell's loop stops; the status is 130).

Exit status: the program's own (`stop` 0, `N exit` gives N modulo 256); 64 usage
error; 65 compile error or invalid data; 66 a program file that cannot be read; 70
runtime error; 74 output or input failed (a full disk, an unreadable input); 130 after
Ctrl+C; 141 when the reader of the output went away.

Environment: NO_COLOR (set and not empty: no colours), CLICOLOR_FORCE (set and not
0: colours even when not on a terminal), TERM=dumb (no colours unless forced),
XDG_DATA_HOME (where the REPL keeps its history), SVM_TIER_AT=N (a run moves into
the WebAssembly tier at step N, compiled meanwhile, not when another thread is done)."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// The program (`.svm`; `examples/fib` finds `examples/fib.svm`; `-` reads it from
    /// standard input; `repl` or none: the
    /// REPL), then the program's arguments: everything after FILE is the program's, even
    /// what looks like an option.
    #[arg(
        id = "file",
        value_names = ["FILE", "ARGS"],
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    program: Vec<String>,

    /// Run CODE (a program given on the command line, called `<-e>` in messages); every
    /// FILE ARGS word is then the program's arguments.
    #[arg(
        short = 'e',
        long = "eval",
        value_name = "CODE",
        conflicts_with = "interactive"
    )]
    eval: Option<String>,

    /// Compile only and report errors, and the warnings of the static stack effects
    /// (paths that meet with different depths, certain underflows, stack comments that
    /// disagree); every FILE ARGS word is a file to check.
    #[arg(long)]
    check: bool,

    /// Print the compiled program (addresses, labels, positions) instead of running it;
    /// every FILE ARGS word is a file to disassemble.
    #[arg(long, conflicts_with_all = ["trace", "step", "stats", "profile", "flamegraph", "interactive"])]
    disasm: bool,

    /// With --disasm: print what the optimizer made of the program instead, its blocks
    /// (each block's operations on the slots of its window, its frames and its exit).
    #[arg(long, requires = "disasm")]
    blocks: bool,

    /// With --disasm: print the WebAssembly module the playground compiles the blocks
    /// into (its WebAssembly tier), as text, each label's blocks a function named after it.
    #[arg(long, requires = "disasm", conflicts_with = "blocks")]
    wasm: bool,

    /// Step through the program: Enter steps, `n` steps over a call, `o` steps out,
    /// `b` steps back, `c` continues to the next breakpoint, `q` quits.
    #[arg(long, conflicts_with_all = ["check", "disasm"])]
    step: bool,

    /// Set a breakpoint on a source line (on the next line with an instruction when it
    /// has none) or at a label (repeatable); implies --step, which then starts by running
    /// to the first breakpoint.
    #[arg(long = "break", value_name = "LINE|LABEL")]
    breakpoints: Vec<String>,

    /// Write the instructions executed per call path as folded stacks
    /// (`main;fib;recur 1234` lines), as flamegraph tools read them; `-` writes them to
    /// standard output after the program's own output.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,

    /// Write a flamegraph of the instructions executed per call path (SVG).
    #[arg(long, value_name = "FILE")]
    flamegraph: Option<PathBuf>,

    /// Print every executed instruction and the stack before it to stderr.
    #[arg(long)]
    trace: bool,

    /// Print the number of steps and the run time to stderr at the end.
    #[arg(long)]
    stats: bool,

    /// Colours in messages: auto (on a terminal, unless NO_COLOR is set or TERM=dumb;
    /// CLICOLOR_FORCE forces them), always or never.
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    color: colour::When,

    /// Stop with an error after N executed instructions.
    #[arg(long, value_name = "N")]
    max_steps: Option<u64>,

    /// Maximum depth of the data stack [default: 1000000].
    #[arg(long, value_name = "N")]
    max_stack: Option<usize>,

    /// Maximum depth of the return stack [default: 100000].
    #[arg(long, value_name = "N")]
    max_calls: Option<usize>,

    /// Run without the optimizer's blocks (every instruction dispatched on its own).
    /// Slower; behaviour is identical. Implies --no-tier.
    #[arg(long)]
    no_opt: bool,

    /// Run without the WebAssembly tier: the interpreter and its blocks only. (With
    /// it, a run still going after 100,000 steps has its blocks compiled to machine
    /// code, meanwhile, and goes on in them.) Slower; behaviour is identical.
    #[arg(long)]
    no_tier: bool,

    /// Run FILE, then start the REPL with its stack and labels.
    #[arg(short = 'i', long, conflicts_with_all = ["check", "disasm", "step", "trace"])]
    interactive: bool,

    /// Print a completion script for SHELL (bash, zsh, fish, elvish, powershell) and
    /// exit: `svm --completions bash > /etc/bash_completion.d/svm`.
    #[arg(long, value_name = "SHELL")]
    completions: Option<clap_complete::Shell>,

    /// Print the manual page (roff) and exit: `svm --man | man -l -`.
    #[arg(long)]
    man: bool,

    /// List every operation with its stack effect and description, and exit.
    #[arg(long)]
    ops: bool,
}

/// The subcommands; a program named like one runs as `svm ./NAME`.
#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Format programs: print (FILE), check (--check) or rewrite (-w) them in the
    /// canonical layout.
    Fmt(fmt::FmtArgs),
}

impl Cli {
    /// The program file, if one is given (not with `-e CODE`).
    fn file(&self) -> Option<PathBuf> {
        if self.eval.is_some() {
            return None;
        }
        self.program.first().map(PathBuf::from)
    }

    /// The program's arguments: everything after FILE (everything, with `-e CODE`).
    fn args(&self) -> &[String] {
        if self.eval.is_some() {
            return &self.program;
        }
        self.program.get(1..).unwrap_or_default()
    }

    /// Is an option given that only makes sense with a program?
    fn needs_a_program(&self) -> bool {
        self.check
            || self.disasm
            || self.step
            || self.trace
            || self.stats
            || self.interactive
            || !self.breakpoints.is_empty()
            || self.profile.is_some()
            || self.flamegraph.is_some()
    }

    fn limits(&self) -> Limits {
        let d = Limits::default();
        Limits {
            max_steps: self.max_steps,
            max_stack: self.max_stack.unwrap_or(d.max_stack),
            max_calls: self.max_calls.unwrap_or(d.max_calls),
            max_string: d.max_string,
            max_string_total: d.max_string_total,
        }
    }
}

/// Ends the process with a usage error as clap shows it (exit [`EXIT_USAGE`]), or
/// with the help or version it was asked for (exit 0).
pub fn usage_exit(e: &clap::Error) -> ! {
    use clap::error::ErrorKind::{
        DisplayHelp, DisplayHelpOnMissingArgumentOrSubcommand, DisplayVersion,
    };
    let code = match e.kind() {
        DisplayHelp | DisplayVersion | DisplayHelpOnMissingArgumentOrSubcommand => 0,
        _ => EXIT_USAGE,
    };
    // Help and version go to standard output: a failed write of them is an I/O error.
    if let Err(failed) = e.print() {
        host::write_failed(&failed);
    }
    if code == 0 {
        // What clap wrote may sit in the buffer of standard output: a full disk shows here.
        if let Err(failed) = std::io::Write::flush(&mut std::io::stdout()) {
            host::write_failed(&failed);
        }
    }
    std::process::exit(code.into());
}

/// A usage error about the command line (exit [`EXIT_USAGE`]).
fn usage_error(kind: clap::error::ErrorKind, message: impl std::fmt::Display) -> ! {
    usage_exit(&Cli::command().error(kind, message))
}

fn main() -> ExitCode {
    let cli = Cli::try_parse().unwrap_or_else(|e| usage_exit(&e));
    colour::set(cli.color);
    // FILE takes what starts with `-` (so that the program's arguments can): a
    // misspelt option lands there. Say so as clap would. (`-` alone is standard input.)
    if let Some(f) = cli
        .file()
        .filter(|f| f.as_os_str() != "-" && f.to_string_lossy().starts_with('-') && !f.exists())
    {
        usage_error(
            clap::error::ErrorKind::UnknownArgument,
            format!("unknown option `{}` (see svm --help)", f.display()),
        );
    }
    ExitCode::from(real_main(&cli))
}

/// `svm help [COMMAND]`: the help of svm, of `svm fmt` or of the REPL.
fn help(topic: &[String]) -> u8 {
    let mut cmd = Cli::command();
    match topic {
        [] => out!("{}", cmd.render_long_help()),
        [t] if t == "fmt" => {
            cmd.build();
            let fmt = cmd.find_subcommand_mut("fmt").expect("the fmt subcommand");
            out!("{}", fmt.render_long_help());
        }
        [t] if t == "repl" => outln!("{}", repl::help()),
        [t] if t == "run" || t == "svm" => out!("{}", cmd.render_long_help()),
        _ => usage_error(
            clap::error::ErrorKind::InvalidSubcommand,
            format!(
                "no help on `{}`: `svm help`, `svm help fmt` or `svm help repl`",
                topic.join(" ")
            ),
        ),
    }
    0
}

fn real_main(cli: &Cli) -> u8 {
    if let Some(Command::Fmt(args)) = &cli.command {
        return fmt::run(args);
    }
    if let Some(shell) = cli.completions {
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "svm", &mut script);
        out!("{}", String::from_utf8_lossy(&script));
        return 0;
    }
    if cli.man {
        match manual() {
            Ok(page) => out!("{page}"),
            Err(e) => {
                errln!("error: cannot make the manual page: {e}");
                return host::EXIT_IO;
            }
        }
        return 0;
    }
    if cli.ops {
        for op in OPS {
            outln!("{:<9} {:<20} {}", op.name, op.effect, op.doc);
        }
        return 0;
    }
    host::catch_interrupts();
    if cli.check || cli.disasm {
        return check_or_disassemble(cli);
    }
    let src = if let Some(code) = &cli.eval {
        source::Source {
            text: code.clone(),
            display_name: "<-e>".to_string(),
        }
    } else {
        let file = match cli.file() {
            None if cli.needs_a_program() => usage_error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "this option needs a program: FILE or -e CODE",
            ),
            None => return repl::run(cli.limits(), None),
            Some(f) if f.as_os_str() == "help" && !f.exists() => return help(cli.args()),
            Some(f) if f.as_os_str() == "repl" && !f.exists() => {
                if cli.needs_a_program() {
                    usage_error(
                        clap::error::ErrorKind::MissingRequiredArgument,
                        "this option needs a program FILE, not the REPL",
                    );
                }
                match cli.args() {
                    [] => return repl::run(cli.limits(), None),
                    [h] if h == "--help" || h == "-h" => return help(&["repl".to_string()]),
                    more => usage_error(
                        clap::error::ErrorKind::UnknownArgument,
                        format!(
                            "`svm repl` takes no arguments (given: {}); `svm -i FILE` starts it with a program",
                            more.join(" ")
                        ),
                    ),
                }
            }
            Some(f) => f,
        };
        match load(&file) {
            Ok(src) => src,
            Err(code) => return code,
        }
    };
    let name = src.display_name.as_str();
    let program = match compile(&src.text) {
        Ok(p) if cli.no_opt => p.unoptimized(),
        Ok(p) => p,
        Err(diags) => return report_compile_errors(&diags, &src.text, name),
    };
    let mut args = Vec::new();
    for (i, arg) in cli.args().iter().enumerate() {
        match argument(arg) {
            Ok(v) => args.push(v),
            Err(why) => {
                errln!(
                    "error: argument {} ({}) {why}",
                    i + 1,
                    Value::Str(arg.as_str().into()).shown()
                );
                if arg.starts_with('-') && !arg.starts_with("-\"") {
                    errln!("note: options go before the file: `svm [OPTIONS] FILE [ARGS]...`");
                }
                return EXIT_USAGE;
            }
        }
    }
    let machine = Machine::new(program, args).with_limits(cli.limits());
    if cli.interactive {
        let path = cli.file().unwrap_or_default();
        return repl::run(cli.limits(), Some((path, src, machine)));
    }
    if cli.step || !cli.breakpoints.is_empty() {
        let mut lines = Vec::new();
        for spec in &cli.breakpoints {
            match step::breakpoint_line(machine.program(), spec) {
                Ok(line) => lines.extend(line),
                Err(msg) => {
                    errln!("error: --break {spec}: {msg}");
                    return EXIT_USAGE;
                }
            }
        }
        return step::run(machine, &src.text, name, &lines);
    }
    if let (Some(a), Some(b)) = (&cli.profile, &cli.flamegraph) {
        if a == b && a.as_os_str() != "-" {
            usage_error(
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "--profile and --flamegraph name the same file ({})",
                    a.display()
                ),
            );
        }
    }
    // Find out now, not after a long run, that a profile cannot be written.
    for path in [&cli.profile, &cli.flamegraph].into_iter().flatten() {
        if path.as_os_str() == "-" {
            continue;
        }
        if let Err(e) = std::fs::File::create(path) {
            errln!(
                "error: cannot write {}: {e}",
                source::shown_name(&path.display().to_string())
            );
            return host::EXIT_IO;
        }
    }
    let opts = host::Options {
        trace: cli.trace,
        stats: cli.stats,
        profile: cli.profile.as_deref(),
        flamegraph: cli.flamegraph.as_deref(),
        tier: !cli.no_tier && !cli.no_opt,
    };
    host::run_to_end(machine, &src.text, name, opts)
}

/// The manual page (roff): svm's sections, `svm fmt` in one of its own (there is no
/// separate svm-fmt page), and EXIT STATUS and ENVIRONMENT.
fn manual() -> std::io::Result<String> {
    let mut cmd = Cli::command();
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    if let Some(fmt) = cmd.find_subcommand("fmt") {
        page.extend_from_slice(b".SH \"SVM FMT\"\n");
        page.extend_from_slice(
            fmt.get_about()
                .map(|a| a.to_string())
                .unwrap_or_default()
                .as_bytes(),
        );
        page.extend_from_slice(b"\n.PP\n\\fBsvm fmt\\fR [\\fIOPTIONS\\fR] \\fIFILE\\fR...\n");
        let fmt_man = clap_mangen::Man::new(fmt.clone());
        let mut options = Vec::new();
        fmt_man.render_options_section(&mut options)?;
        let options = String::from_utf8_lossy(&options).replacen(
            ".SH OPTIONS",
            ".SS \"Options of svm fmt\"",
            1,
        );
        page.extend_from_slice(options.as_bytes());
    }
    man.render_extra_section(&mut page)?;
    page.extend_from_slice(
        br#".SH "EXIT STATUS"
.TP
\fB0\fR
the program stopped (\fBstop\fR, or its end); \fBN exit\fR gives N modulo 256
.TP
\fB64\fR
usage error (an unknown option, an argument that is not one value)
.TP
\fB65\fR
compile error, or a program file that is not valid UTF-8 or is larger than 16 MiB
.TP
\fB66\fR
a program file that cannot be read
.TP
\fB70\fR
runtime error
.TP
\fB74\fR
the output could not be written, or the input read (with the system's reason)
.TP
\fB130\fR
Ctrl+C (svm ends by SIGINT after reporting where the program was)
.TP
\fB141\fR
the reader of the output went away
.SH ENVIRONMENT
.TP
\fBNO_COLOR\fR
set and not empty: no colours (with \fB--color=auto\fR)
.TP
\fBCLICOLOR_FORCE\fR
set and not 0: colours even when standard error is not a terminal
.TP
\fBTERM\fR
\fBdumb\fR: no colours unless forced
.TP
\fBXDG_DATA_HOME\fR
where the REPL keeps its history (\fBsvm/history\fR; else ~/.local/share)
.TP
\fBSVM_TIER_AT\fR
N: a run moves into the WebAssembly tier at step N, its module compiled meanwhile (by
default after 100,000 steps, when another thread has compiled it)
"#,
    );
    man.render_version_section(&mut page)?;
    Ok(String::from_utf8_lossy(&page).into_owned())
}

/// Reads a program file (or standard input for `-`), reporting why it cannot be read
/// with its exit code.
fn load(file: &std::path::Path) -> Result<source::Source, u8> {
    let loaded = if file.as_os_str() == "-" {
        source::load_stdin()
    } else {
        source::load(file)
    };
    loaded.map_err(|e| match e {
        source::LoadError::Usage(msg) => {
            errln!("error: {msg}");
            EXIT_NO_INPUT
        }
        source::LoadError::Invalid(msg) => {
            err!("{msg}");
            EXIT_COMPILE
        }
    })
}

/// `--check` and `--disasm` of every file given (or of `-e CODE`): each file is named;
/// the exit code is the worst: 66 when a file cannot be read, else 65 when one does not
/// compile, else 0.
fn check_or_disassemble(cli: &Cli) -> u8 {
    let mut sources = Vec::new();
    let mut worst = 0;
    if let Some(code) = &cli.eval {
        sources.push(source::Source {
            text: code.clone(),
            display_name: "<-e>".to_string(),
        });
    } else if cli.program.is_empty() {
        usage_error(
            clap::error::ErrorKind::MissingRequiredArgument,
            "this option needs a program: FILE... or -e CODE",
        );
    }
    // With -e, the words after it are files to check as well (nothing runs: no arguments).
    for file in &cli.program {
        match load(std::path::Path::new(file)) {
            Ok(src) => sources.push(src),
            Err(code) => worst = worst.max(code),
        }
    }
    let several = cli.program.len() + usize::from(cli.eval.is_some()) > 1;
    for src in &sources {
        let name = src.display_name.as_str();
        let program = match compile(&src.text) {
            Ok(p) if cli.no_opt => p.unoptimized(),
            Ok(p) => p,
            Err(diags) => {
                worst = worst.max(report_compile_errors(&diags, &src.text, name));
                continue;
            }
        };
        if cli.check {
            // The static stack effects' warnings: shown, and the file is still ok.
            let effects = vm_core::Effects::analyze(&program, &src.text, None);
            for warning in effects.warnings() {
                err!("{}", warning.render(&src.text, name));
            }
            let warned = match effects.warnings().len() {
                0 => String::new(),
                n => format!(", {}", counted(n as u64, "warning")),
            };
            outln!(
                "{name}: ok ({}, {}{warned})",
                counted(program.code().len() as u64, "instruction"),
                counted(program.labels().len() as u64, "label")
            );
            continue;
        }
        if several {
            outln!("; {name}");
        }
        if cli.wasm {
            out!("{}", vm_core::tier::compile(&program).text);
        } else if cli.blocks {
            out!("{}", disassemble_blocks(&program));
        } else {
            out!("{}", disassemble(&program));
        }
    }
    worst
}

/// One command-line argument as a value: a whole number, `true` or `false`, a string
/// literal in double quotes (with the language's escapes), or else the text as typed.
fn argument(arg: &str) -> Result<Value, String> {
    if let Ok(n) = arg.parse::<i64>() {
        if !arg.starts_with('+') {
            return Ok(Value::Num(n));
        }
    }
    match arg {
        "true" => return Ok(Value::Bool(true)),
        "false" => return Ok(Value::Bool(false)),
        _ => {}
    }
    if arg.len() >= 2 && arg.starts_with('"') && arg.ends_with('"') {
        return match parse_args(arg).as_deref() {
            Ok([v @ Value::Str(_)]) => Ok(v.clone()),
            Ok(_) => Err(
                "is not one string literal: it starts and ends with `\"`, so it is read as one; \
                 give it without the outer quotes to pass the text as it is"
                    .to_string(),
            ),
            Err(e) => Err(format!("is not a valid string literal: {}", e[0].message)),
        };
    }
    Ok(Value::Str(arg.into()))
}

/// Prints compile errors with their positions, and how many there are in `name`;
/// [`EXIT_COMPILE`].
fn report_compile_errors(errors: &CompileError, source: &str, name: &str) -> u8 {
    err!("{}", errors.render(source, name));
    let n = errors.len();
    errln!("{n} error{} in {name}", if n == 1 { "" } else { "s" });
    EXIT_COMPILE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_argument_is_one_value() {
        let s = |t: &str| Ok(Value::Str(t.into()));
        assert_eq!(argument("-7"), Ok(Value::Num(-7)));
        assert_eq!(argument("9223372036854775807"), Ok(Value::Num(i64::MAX)));
        assert_eq!(argument("true"), Ok(Value::Bool(true)));
        assert_eq!(argument("1 # c"), s("1 # c"));
        assert_eq!(argument(""), s(""));
        assert_eq!(argument("+5"), s("+5"));
        assert_eq!(argument("\"a b"), s("\"a b"));
        assert_eq!(argument("\"hi there\""), s("hi there"));
        assert_eq!(argument("\"a\\tb\""), s("a\tb"));
        assert!(argument("\"a\" \"b\"").is_err());
        assert!(argument("\"a\\qb\"").is_err());
        assert_eq!(argument("9223372036854775808"), s("9223372036854775808"));
    }
}
