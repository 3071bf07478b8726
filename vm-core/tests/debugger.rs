//! Stepping back, breakpoints, step over/out, profiles, and what a host sees of a run.

mod common;

use common::directive;
use vm_core::{compile, parse_args, Machine, Profile, Status, Stopper, Value};

/// Everything that stepping back must restore.
#[derive(Debug, PartialEq, Clone)]
struct State {
    stack: Vec<Value>,
    frames: Vec<String>,
    pc: usize,
    steps: u64,
    output_len: usize,
}

fn state(m: &Machine, output: &str) -> State {
    State {
        stack: m.stack().to_vec(),
        frames: m
            .frames()
            .iter()
            .map(|f| format!("{} {:?}", f.name(), f.call_span))
            .collect(),
        pc: m.pc(),
        steps: m.steps(),
        output_len: output.len(),
    }
}

/// Steps forward up to `n` steps recording every state, then back, checking each state.
fn forward_then_back(name: &str, source: &str, n: usize) -> usize {
    let Ok(program) = compile(source) else {
        return 0;
    };
    let args =
        parse_args(directive(source, "args").first().copied().unwrap_or("")).unwrap_or_default();
    let stdin = directive(source, "stdin");
    let mut m = Machine::new(program.clone(), args.clone());
    m.record_history(n);
    let mut output = String::new();
    let mut input = stdin.iter();
    let mut provided = Vec::new();
    let mut states = vec![state(&m, &output)];
    while states.len() <= n {
        match m.run(1, &mut output) {
            Status::OutOfBudget | Status::Sleeping(_) => states.push(state(&m, &output)),
            Status::Halted(_) => {
                // `stop` and `exit` are steps; running past the end is not.
                if m.steps() > states.last().unwrap().steps {
                    states.push(state(&m, &output));
                }
                break;
            }
            Status::NeedsInput => {
                let line = input.next().copied();
                provided.push((m.steps(), line));
                m.provide_input(line);
            }
            Status::Failed(_) => break,
            other => panic!("{name}: unexpected {other:?}"),
        }
    }
    let forward = states.len() - 1;
    assert_eq!(m.history_len(), forward, "{name}");
    // Going back, every earlier state comes back exactly.
    for expected in states.iter().rev().skip(1) {
        let bytes = m
            .step_back()
            .unwrap_or_else(|| panic!("{name}: nothing to undo"));
        output.truncate(output.len() - bytes);
        assert_eq!(&state(&m, &output), expected, "{name}: stepping back");
    }
    assert_eq!(m.step_back(), None);
    // And forward again from the start: the same states once more. A line that a `read`
    // took was given back to the machine when that `read` was undone; the machine asks
    // only for lines it does not hold, and gets the same ones as the first time.
    for expected in states.iter().skip(1) {
        while m.run(1, &mut output) == Status::NeedsInput {
            let line = provided
                .iter()
                .find(|(at, _)| *at == m.steps())
                .map(|(_, l)| *l);
            m.provide_input(line.expect("asked for a line at another step than the first time"));
        }
        assert_eq!(&state(&m, &output), expected, "{name}: forward again");
    }
    forward
}

#[test]
fn stepping_back_restores_the_exact_state_on_every_golden_program() {
    let mut total = 0;
    for (path, source) in common::golden_sources() {
        total += forward_then_back(&path.display().to_string(), &source, 3000);
    }
    assert!(total > 10_000, "only {total} steps checked");
}

#[test]
fn history_keeps_the_last_steps_only() {
    let mut m = Machine::new(compile("0 l: 1 + l jmp").unwrap(), vec![]);
    m.record_history(10_000);
    m.run(25_000, &mut String::new());
    assert_eq!(m.history_len(), 10_000);
    for _ in 0..10_000 {
        assert!(m.step_back().is_some());
    }
    assert_eq!(m.step_back(), None);
    assert_eq!(m.steps(), 15_000);
}

#[test]
fn loading_a_program_forgets_the_history() {
    let mut m = Machine::new(compile("1 2").unwrap(), vec![]);
    m.record_history(10);
    m.run(10, &mut String::new());
    assert_eq!(m.history_len(), 2);
    m.load(compile("3").unwrap(), 0);
    assert_eq!((m.history_len(), m.step_back()), (0, None));
}

#[test]
fn recording_runs_exactly_like_a_plain_run() {
    let src = include_str!("../../examples/fib.svm");
    let mut a = Machine::new(compile(src).unwrap(), vec![Value::Num(12)]);
    let mut b = Machine::new(compile(src).unwrap(), vec![Value::Num(12)]);
    b.record_history(100);
    let (mut oa, mut ob) = (String::new(), String::new());
    assert_eq!(a.run(u64::MAX, &mut oa), b.run(u64::MAX, &mut ob));
    assert_eq!((oa, a.steps()), (ob, b.steps()));
}

#[test]
fn breakpoints_step_over_and_step_out() {
    let src = "1 f call\n2 println\nstop\nf:\n  10 drop\n  return\n";
    let p = compile(src).unwrap();
    let mut m = Machine::new(p.clone(), vec![]);
    let mut out = String::new();
    let mut stop = Stopper::new(&p);
    assert_eq!(stop.set_lines(&p, &[5, 4, 99]), vec![5]);
    assert_eq!(m.run_with(u64::MAX, &mut out, &mut stop), Status::Paused);
    assert_eq!(m.next_span().unwrap().line, 5);
    assert_eq!(m.call_depth(), 1);
    assert_eq!(stop.take_hit(), Some(vm_core::Hit::Breakpoint));
    // Step out: runs until the call returns.
    stop.set_lines(&p, &[]);
    stop.until_depth(Some(0));
    assert_eq!(m.run_with(u64::MAX, &mut out, &mut stop), Status::Paused);
    assert_eq!((m.call_depth(), m.next_span().unwrap().line), (0, 2));
    assert_eq!(stop.take_hit(), Some(vm_core::Hit::Depth));
    assert!(stop.is_idle());
    // Step over a call: from the start, `f call` runs as one step of the debugger.
    let mut m = Machine::new(p.clone(), vec![]);
    m.run(2, &mut out); // `1`, `f`: now at `call`
    let depth = Stopper::step_over_depth(&m);
    assert_eq!(depth, Some(0));
    let mut over = Stopper::new(&p);
    over.until_depth(depth);
    assert_eq!(m.run_with(u64::MAX, &mut out, &mut over), Status::Paused);
    assert_eq!(
        (m.call_depth(), m.next_span().unwrap().line, m.steps()),
        (0, 2, 6)
    );
    assert_eq!(Stopper::step_over_depth(&m), None);
}

/// Pauses after `n` steps, counting them.
struct PauseAfter(u64);

impl vm_core::Observer for PauseAfter {
    fn after(&mut self, _: &Machine, _: usize, _: u64) -> bool {
        self.0 = self.0.saturating_sub(1);
        self.0 > 0
    }
}

#[test]
fn a_pause_is_told_apart_from_a_spent_budget() {
    let p = compile("1 2 3 4 5 6 stop").unwrap();
    let mut out = String::new();
    // The observer pauses after 2 steps, within a budget of 4: paused.
    let mut m = Machine::new(p.clone(), vec![]);
    assert_eq!(m.run_with(4, &mut out, &mut PauseAfter(2)), Status::Paused);
    assert_eq!(m.steps(), 2);
    // The budget runs out first while watched: out of budget, not paused.
    assert_eq!(
        m.run_with(3, &mut out, &mut PauseAfter(10)),
        Status::OutOfBudget
    );
    assert_eq!(m.steps(), 5);
    // A breakpoint pauses; after it, the run goes on to the end.
    let mut stop = Stopper::new(&p);
    let mut m = Machine::new(p.clone(), vec![]);
    stop.set_lines(&p, &[1]);
    assert_eq!(
        m.run_with(u64::MAX, &mut out, &mut stop),
        Status::Halted(0),
        "a breakpoint before the first instruction is not met by a run starting there"
    );
    // A paused machine resumes where it was.
    let mut m = Machine::new(p, vec![]);
    assert_eq!(
        m.run_with(u64::MAX, &mut out, &mut PauseAfter(3)),
        Status::Paused
    );
    assert_eq!(m.run(u64::MAX, &mut out), Status::Halted(0));
    assert_eq!((m.steps(), m.stack_len()), (7, 6));
}

#[test]
fn a_breakpoint_met_during_a_step_over_ends_it() {
    // The issue's program: step over `f call` with a breakpoint inside f.
    let src = "f call \"after f\" println\nf call \"after f 2\" println\nstop\nf:\n\"in f\" println\nreturn\n";
    let p = compile(src).unwrap();
    let mut m = Machine::new(p.clone(), vec![]);
    let mut out = String::new();
    m.run(1, &mut out); // `f`: now at `call`
    let mut stop = Stopper::new(&p);
    stop.set_lines(&p, &[5]);
    stop.until_depth(Stopper::step_over_depth(&m));
    assert_eq!(m.run_with(u64::MAX, &mut out, &mut stop), Status::Paused);
    assert_eq!((m.call_depth(), m.next_span().unwrap().line), (1, 5));
    assert_eq!(stop.take_hit(), Some(vm_core::Hit::Breakpoint));
    // The breakpoint ended the step: without it, the run goes on to the end.
    stop.set_lines(&p, &[]);
    assert!(stop.is_idle());
    assert_eq!(m.run_with(u64::MAX, &mut out, &mut stop), Status::Halted(0));
    assert_eq!(out, "in f\nafter f\nin f\nafter f 2\n");
}

#[test]
fn profiles_count_by_call_path_and_line() {
    let src = include_str!("../../examples/fib.svm");
    let p = compile(src).unwrap();
    // A watched run takes the plain instructions whether the program is optimized or
    // not: what it counts must match a run that is not watched, which takes the blocks.
    let mut fast = Machine::new(p.clone(), vec![Value::Num(5)]);
    let mut fast_out = String::new();
    assert_eq!(fast.run(u64::MAX, &mut fast_out), Status::Halted(0));
    assert!(fast.block_steps() * 10 > fast.steps() * 9, "the blocks ran");
    for program in [p.clone(), p.unoptimized()] {
        let mut m = Machine::new(program.clone(), vec![Value::Num(5)]);
        let mut profile = Profile::new(&m);
        let mut out = String::new();
        assert_eq!(
            m.run_with(u64::MAX, &mut out, &mut profile),
            Status::Halted(0)
        );
        assert_eq!(out, "5\n");
        assert_eq!(profile.total(), m.steps());
        assert_eq!((m.block_steps(), profile.total()), (0, fast.steps()));
        assert_eq!(out, fast_out);
        let folded = profile.folded(&program);
        let lines: Vec<&str> = folded.lines().collect();
        assert_eq!(lines[0], "main 4");
        // The top call of fib runs its 14 instructions of its own: the test, `recur base
        // if`, `call` and `return`; the deepest paths end in `base`.
        assert!(lines.contains(&"main;fib 14"), "{folded}");
        assert!(
            lines.contains(&"main;fib;recur;fib;recur;fib;recur;fib;recur;fib;base 2"),
            "{folded}"
        );
        let sum: u64 = lines
            .iter()
            .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
            .sum();
        assert_eq!(sum, m.steps());
        let per_line = profile.lines(&program);
        assert_eq!(per_line.iter().map(|(_, n)| n).sum::<u64>(), m.steps());
        assert!(
            per_line.iter().any(|&(l, n)| l == 19 && n == 15 * 9),
            "{per_line:?}"
        );
    }
}

/// A watched run goes on after `sleep_ms` (not at it again), and stops after `stop`,
/// at the same places as a run that is not watched.
#[test]
fn watched_runs_go_on_after_sleep_and_stop() {
    let p = compile("1 sleep_ms 2 println stop 3 println").unwrap();
    let mut fast = Machine::new(p.clone(), vec![]);
    let mut fast_out = String::new();
    assert_eq!(fast.run(u64::MAX, &mut fast_out), Status::Sleeping(1));
    let slept_at = fast.pc();
    assert_eq!(fast.run(u64::MAX, &mut fast_out), Status::Halted(0));
    assert_eq!((slept_at, fast.pc(), fast_out.as_str()), (2, 5, "2\n"));
    let mut m = Machine::new(p, vec![]);
    let mut profile = Profile::new(&m);
    let mut out = String::new();
    assert_eq!(
        m.run_with(u64::MAX, &mut out, &mut profile),
        Status::Sleeping(1)
    );
    assert_eq!(m.pc(), slept_at);
    assert_eq!(
        m.run_with(u64::MAX, &mut out, &mut profile),
        Status::Halted(0)
    );
    assert_eq!((m.pc(), out.as_str(), m.steps()), (5, "2\n", fast.steps()));
}

/// Recording history with capacity 0 stops recording: the run takes the blocks again.
#[test]
fn recording_stops_at_capacity_zero() {
    let src = include_str!("../../examples/fib.svm");
    let mut m = Machine::new(compile(src).unwrap(), vec![Value::Num(10)]);
    m.record_history(100);
    let mut out = String::new();
    m.run(50, &mut out);
    assert_eq!((m.history_len(), m.block_steps()), (50, 0));
    m.record_history(0);
    assert_eq!(m.run(u64::MAX, &mut out), Status::Halted(0));
    assert_eq!((m.history_len(), out.as_str()), (0, "55\n"));
    assert!(m.block_steps() > 0);
}

/// What a host reads of a machine: its limits, the stack's depth, the exit code, the
/// error it stopped with.
#[test]
fn hosts_read_limits_depth_exit_code_and_error() {
    use vm_core::Limits;
    let limits = Limits {
        max_stack: 7,
        ..Limits::default()
    };
    let mut m =
        Machine::new(compile("1 2 3 exit").unwrap(), vec![Value::Num(9)]).with_limits(limits);
    assert_eq!(m.limits(), limits);
    assert_eq!((m.stack_len(), m.exit_code()), (1, None));
    assert_eq!(m.run(u64::MAX, &mut String::new()), Status::Halted(3));
    assert_eq!((m.stack_len(), m.exit_code()), (3, Some(3)));
    assert!(m.error_state().is_none());
    let mut f = Machine::new(compile("1 +").unwrap(), vec![]);
    assert!(matches!(
        f.run(u64::MAX, &mut String::new()),
        Status::Failed(_)
    ));
    assert_eq!(
        f.error_state().map(|e| e.kind.code()),
        Some("stack_underflow")
    );
    assert_eq!(f.exit_code(), None);
}

#[test]
fn input_given_early_waits_for_the_next_read_and_a_second_replaces_it() {
    let program = compile("1 drop read println read println").unwrap();
    let mut out = String::new();
    // Given before the program reaches `read`: no stop, the line is read.
    let mut m = Machine::new(program.clone(), vec![]);
    m.provide_input(Some("early"));
    assert_eq!(m.run(u64::MAX, &mut out), Status::NeedsInput);
    assert_eq!((m.steps(), out.as_str()), (4, "early\n"));
    // Given twice at a `read`: the second line replaces the first.
    m.provide_input(Some("first"));
    m.provide_input(Some("  second \r"));
    assert_eq!(m.run(u64::MAX, &mut out), Status::Halted(0));
    assert_eq!(out, "early\nsecond\n");
    // Loading a program forgets a line no `read` took.
    let mut m = Machine::new(program.clone(), vec![]);
    m.provide_input(Some("forgotten"));
    m.load(program, 0);
    assert_eq!(m.run(u64::MAX, &mut out), Status::NeedsInput);
    assert_eq!(m.steps(), 2);
}
