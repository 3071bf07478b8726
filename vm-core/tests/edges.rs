//! The edge oracle (`tests/oracle/mod.rs`) on the plain interpreter and on the
//! optimizer's blocks: every operation, in every operand form, at the edges of its
//! values, against exact math.

mod oracle;

use oracle::{check_edges, Blocks, Plain};

#[test]
fn plain_interpreter_at_the_edges() {
    let n = check_edges(&mut Plain);
    assert!(n > 20_000, "only {n} cases");
}

#[test]
fn blocks_at_the_edges() {
    let n = check_edges(&mut Blocks);
    assert!(n > 20_000, "only {n} cases");
}
