//! Large programs in the WebAssembly tier: the module is one a browser's engine
//! compiles. Engines cap a `br_table` (V8 and SpiderMonkey at 65,520 targets) and a
//! function's size (at 7,654,321 bytes), so no `br_table` of the module has more than
//! [`tier::MAX_BR_TABLE`] targets, and no function of these programs of 100,000
//! instructions and more, with one label or 25,000, more than [`tier::MAX_BODY`] bytes;
//! and the modules run (in wasmi) as the plain instructions do.

mod wasm_host;

use vm_core::{compile, tier, Machine, Program, Status};
use wasm_host::TestTier;
use wasmparser::{Operator, Parser, Payload};

/// The most targets of a `br_table` in `bytes` (the default not counted), the largest
/// function body in bytes, and the number of functions.
fn measure(bytes: &[u8]) -> (usize, usize, usize) {
    let (mut table, mut body, mut functions) = (0, 0, 0);
    for payload in Parser::new(0).parse_all(bytes) {
        if let Payload::CodeSectionEntry(b) = payload.unwrap() {
            functions += 1;
            body = body.max(b.range().len());
            let mut ops = b.get_operators_reader().unwrap();
            while !ops.eof() {
                if let Operator::BrTable { targets } = ops.read().unwrap() {
                    table = table.max(targets.len() as usize);
                }
            }
        }
    }
    (table, body, functions)
}

/// Compiles `src` (at least `instructions` long), checks that its module is within the
/// bounds, and runs it with the tier and as plain instructions, whole and in slices:
/// the same output, status, steps, position and stack. Returns the module's size and
/// the steps run in the module.
fn large(name: &str, src: &str, instructions: usize) -> (usize, u64) {
    let p = compile(src).unwrap();
    assert!(p.code().len() >= instructions, "{name}: {}", p.code().len());
    let module = tier::compile_module(&p);
    let (table, body, functions) = measure(&module.bytes);
    eprintln!(
        "{name}: {} bytes, table {table}, body {body}, {functions} functions, {} blocks",
        module.bytes.len(),
        module.blocks
    );
    assert!(
        table <= tier::MAX_BR_TABLE,
        "{name}: a br_table of {table} targets (at most {})",
        tier::MAX_BR_TABLE
    );
    assert!(
        body <= tier::MAX_BODY,
        "{name}: a function of {body} bytes (at most {})",
        tier::MAX_BODY
    );
    assert!(functions >= module.functions.len() + 2, "{name}");
    let mut tier = TestTier::new(&p);
    // (The module run is the one measured.)
    assert!(tier.compiled.bytes == module.bytes, "{name}");
    let mut in_module = 0;
    for budget in [u64::MAX, 10_007] {
        let (a, steps) = run(&p, budget, Some(&mut tier));
        let (b, _) = run(&p.unoptimized(), budget, None);
        assert!(
            a == b,
            "{name}: the tier and the plain run differ (budget {budget})"
        );
        in_module = in_module.max(steps);
    }
    (module.bytes.len(), in_module)
}

/// What a host sees of a run in slices of `budget` steps, and the steps in the module.
#[allow(clippy::type_complexity)]
fn run(
    p: &Program,
    budget: u64,
    mut tier: Option<&mut TestTier>,
) -> (Vec<(Status, String, u64, usize, String)>, u64) {
    let mut m = Machine::new(p.clone(), vec![]);
    let mut seen = Vec::new();
    loop {
        let mut out = String::new();
        let s = match &mut tier {
            Some(ref mut t) => m.run_tiered(budget, &mut out, &mut **t),
            None => m.run(budget, &mut out),
        };
        seen.push((
            s.clone(),
            out,
            m.steps(),
            m.pc(),
            format!("{:?}", m.stack()),
        ));
        if s != Status::OutOfBudget {
            return (seen, m.tier_steps());
        }
    }
}

/// 25,001 lines of `i i + println` (a label's address added to itself, printed): 100,004
/// instructions, a block a line, all under one label.
#[test]
fn one_label_of_100_000_instructions() {
    let src: String = core::iter::once("i: 0 println\n")
        .chain(core::iter::repeat_n("i i + println\n", 25_001))
        .collect();
    let (_, in_module) = large("i i + println", &src, 100_000);
    assert!(in_module > 25_000, "{in_module} steps in the module");
}

/// 25,001 labels of `1 + dup println`: a function each, and as many blocks in `run`'s
/// dispatch.
#[test]
fn twenty_five_thousand_labels() {
    let src: String = core::iter::once("0\n".to_string())
        .chain((0..25_001).map(|i| format!("l{i}: 1 + dup println\n")))
        .collect();
    let (_, in_module) = large("labels", &src, 100_000);
    assert!(in_module > 50_000, "{in_module} steps in the module");
}

/// 40,000 calls to one function, from 40 functions (`main`'s pieces): each a direct
/// call, returning to its caller at addresses up to 100,000.
#[test]
fn forty_thousand_calls() {
    let src: String = core::iter::once("0\n")
        .chain(core::iter::repeat_n("f call dup drop\n", 40_000))
        .chain(core::iter::once("println stop\nf: 1 + return\n"))
        .collect();
    let (_, in_module) = large("calls", &src, 100_000);
    assert!(in_module > 100_000, "{in_module} steps in the module");
}

/// The text of a module with tables of tables and `at` in parts is the module: made into
/// a module again (by `wat`), it has the same sections, byte for byte.
#[test]
fn the_text_of_a_large_module_is_the_module() {
    let src: String = core::iter::once("i: 0 println\n")
        .chain(core::iter::repeat_n("i i + println\n", 17_000))
        .collect();
    let m = tier::compile(&compile(&src).unwrap());
    assert!(m.text.contains("(func $at_1 "), "at in parts");
    assert!(m.text.contains("i32.shr_u"), "a table of tables");
    let sections = |bytes: &[u8]| -> Vec<(u8, Vec<u8>)> {
        Parser::new(0)
            .parse_all(bytes)
            .filter_map(|p| p.unwrap().as_section())
            .filter(|&(id, _)| id != 0)
            .map(|(id, range)| (id, bytes[range].to_vec()))
            .collect()
    };
    let parsed = wat::parse_str(&m.text).unwrap();
    assert!(sections(&parsed) == sections(&m.bytes));
}
