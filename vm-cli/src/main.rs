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
mod fmt;
mod host;
mod repl;
mod source;
mod step;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use vm_core::{
    compile, disassemble, disassemble_blocks, parse_args, CompileError, Limits, Machine, OPS,
};

/// Exit code for usage errors and unreadable files (sysexits `EX_USAGE` is 64; we
/// follow the common `2` of command-line tools for usage, as clap does).
pub const EXIT_USAGE: u8 = 2;
/// Exit code for compile errors (sysexits `EX_DATAERR`).
pub const EXIT_COMPILE: u8 = 65;
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
looks like an option), read as literals (numbers, true/false, \"strings\") and pushed in
order before it starts:
    svm examples/fib 20          # starts with 20 on the stack
    svm greet.svm '\"hi there\"'   # starts with the string `hi there`

Without FILE (or with `repl`) svm starts a REPL: each entry runs and the stack is shown;
an entry starting with a label definition (`sq: dup * return`) is kept, not run. On a
terminal it edits lines (arrows, Ctrl+R history search, Tab completion, Ctrl+L), keeps
its history in $XDG_DATA_HOME/svm/history, and Ctrl+C stops the running entry or drops
the typed one. :help lists its commands.

Ctrl+C stops a run like a runtime error (position, stack trace, exit code 130).

Exit codes: the program's own (`stop` 0, `N exit` gives N modulo 256), 65 for compile
errors, 70 for runtime errors, 2 for usage errors and unreadable files, 130 after
Ctrl+C, 141 when the reader of the output went away."
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

    /// Compile only and report errors.
    #[arg(long, requires = "file")]
    check: bool,

    /// Print the compiled program (addresses, labels, positions) instead of running it.
    #[arg(long, requires = "file")]
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
    #[arg(long, requires = "file", conflicts_with_all = ["check", "disasm"])]
    step: bool,

    /// Set a breakpoint on a source line (on the next line with an instruction when it
    /// has none) or at a label (repeatable); implies --step, which then starts by running
    /// to the first breakpoint.
    #[arg(long = "break", value_name = "LINE|LABEL", requires = "file")]
    breakpoints: Vec<String>,

    /// Write the instructions executed per call path as folded stacks
    /// (`main;fib;recur 1234` lines), as flamegraph tools read them.
    #[arg(long, value_name = "FILE", requires = "file")]
    profile: Option<PathBuf>,

    /// Write a flamegraph of the instructions executed per call path (SVG).
    #[arg(long, value_name = "FILE", requires = "file")]
    flamegraph: Option<PathBuf>,

    /// Print every executed instruction and the stack to stderr.
    #[arg(long, requires = "file")]
    trace: bool,

    /// Print the number of steps and the run time to stderr at the end.
    #[arg(long, requires = "file")]
    stats: bool,

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
    /// Slower; behaviour is identical.
    #[arg(long)]
    no_opt: bool,

    /// Run FILE, then start the REPL with its stack and labels.
    #[arg(short = 'i', long, requires = "file", conflicts_with_all = ["check", "disasm", "step", "trace"])]
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
    /// The program file, if one is given.
    fn file(&self) -> Option<PathBuf> {
        self.program.first().map(PathBuf::from)
    }

    /// The program's arguments: everything after FILE.
    fn args(&self) -> &[String] {
        self.program.get(1..).unwrap_or_default()
    }

    /// Is an option given that only makes sense with a program file?
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    // FILE takes what starts with `-` (so that the program's arguments can): a
    // misspelt option lands there. Say so as clap would. (`-` alone is standard input.)
    if let Some(f) = cli
        .file()
        .filter(|f| f.as_os_str() != "-" && f.to_string_lossy().starts_with('-') && !f.exists())
    {
        Cli::command()
            .error(
                clap::error::ErrorKind::UnknownArgument,
                format!("unknown option `{}` (see svm --help)", f.display()),
            )
            .exit();
    }
    ExitCode::from(real_main(&cli))
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
        let mut page = Vec::new();
        if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut page) {
            errln!("error: cannot make the manual page: {e}");
            return host::EXIT_IO;
        }
        out!("{}", String::from_utf8_lossy(&page));
        return 0;
    }
    if cli.ops {
        for op in OPS {
            outln!("{:<9} {:<20} {}", op.name, op.effect, op.doc);
        }
        return 0;
    }
    host::catch_interrupts();
    let file = match cli.file() {
        None => return repl::run(cli.limits(), None),
        Some(f) if f.as_os_str() == "repl" && cli.needs_a_program() => {
            Cli::command()
                .error(
                    clap::error::ErrorKind::MissingRequiredArgument,
                    "this option needs a program FILE, not the REPL",
                )
                .exit();
        }
        Some(f) if f.as_os_str() == "repl" => return repl::run(cli.limits(), None),
        Some(f) => f,
    };
    let loaded = if file.as_os_str() == "-" {
        source::load_stdin()
    } else {
        source::load(&file)
    };
    let src = match loaded {
        Ok(s) => s,
        Err(source::LoadError::Usage(msg)) => {
            errln!("error: {msg}");
            return EXIT_USAGE;
        }
        Err(source::LoadError::Invalid(msg)) => {
            err!("{msg}");
            return EXIT_COMPILE;
        }
    };
    let name = src.display_name.as_str();
    let program = match compile(&src.text) {
        Ok(p) if cli.no_opt => p.unoptimized(),
        Ok(p) => p,
        Err(diags) => return report_compile_errors(&diags, &src.text, name),
    };
    if cli.check {
        outln!(
            "{name}: ok ({} instructions, {} labels)",
            program.code().len(),
            program.labels().len()
        );
        return 0;
    }
    if cli.disasm && cli.wasm {
        out!("{}", vm_core::tier::compile(&program).text);
        return 0;
    }
    if cli.disasm && cli.blocks {
        out!("{}", disassemble_blocks(&program));
        return 0;
    }
    if cli.disasm {
        out!("{}", disassemble(&program));
        return 0;
    }
    let arg_text = cli.args().join(" ");
    let args = match parse_args(&arg_text) {
        Ok(a) => a,
        Err(diags) => {
            err!("{}", diags.render(&arg_text, "<arguments>"));
            if cli.args().iter().any(|a| a.starts_with('-')) {
                errln!("note: options go before the file: `svm [OPTIONS] FILE [ARGS]...`");
            }
            return EXIT_USAGE;
        }
    };
    let machine = Machine::new(program, args).with_limits(cli.limits());
    if cli.interactive {
        return repl::run(cli.limits(), Some((src, machine)));
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
    // Find out now, not after a long run, that a profile cannot be written.
    for path in [&cli.profile, &cli.flamegraph].into_iter().flatten() {
        if let Err(e) = std::fs::File::create(path) {
            errln!("error: cannot write {}: {e}", path.display());
            return EXIT_USAGE;
        }
    }
    let opts = host::Options {
        trace: cli.trace,
        stats: cli.stats,
        profile: cli.profile.as_deref(),
        flamegraph: cli.flamegraph.as_deref(),
    };
    host::run_to_end(machine, &src.text, name, opts)
}

/// Prints compile errors with their positions, and how many there are in `name`;
/// [`EXIT_COMPILE`].
fn report_compile_errors(errors: &CompileError, source: &str, name: &str) -> u8 {
    err!("{}", errors.render(source, name));
    let n = errors.len();
    errln!("{n} error{} in {name}", if n == 1 { "" } else { "s" });
    EXIT_COMPILE
}
