//! `svm --check` and the warnings of the static stack effects (`vm_core::effects`): each
//! kind rendered like a compile error but as `warning:`, after the errors, on standard
//! error; the file is still ok (exit 0 when there are only warnings), and a clean
//! program's output is what it always was.

mod common;

use std::path::{Path, PathBuf};

use common::{run, scratch, text};

/// Writes `source` to a file `name` in a scratch folder; its path.
fn file(dir: &Path, name: &str, source: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, source).unwrap();
    path
}

/// `svm --check` of the files: exit code, standard output, standard error.
fn check(files: &[&Path]) -> (Option<i32>, String, String) {
    let mut args = vec!["--check", "--color=never"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let out = run(&args, "");
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn a_clean_example_prints_what_it_always_did() {
    let out = run(&["--check", "examples/fib.svm"], "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "examples/fib.svm: ok (31 instructions, 3 labels)\n"
    );
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn examples_and_tour_solutions_get_no_warning() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "svm"))
        .collect();
    for lesson in std::fs::read_dir(root.join("web/tour")).unwrap() {
        let solution = lesson.unwrap().path().join("solution.svm");
        if solution.exists() {
            files.push(solution);
        }
    }
    assert!(files.len() > 20, "only {} files", files.len());
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let (code, stdout, stderr) = check(&refs);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stderr, "");
    assert_eq!(stdout.lines().count(), files.len());
    assert!(!stdout.contains("warning"), "{stdout}");
}

#[test]
fn paths_that_meet_with_different_depths() {
    let dir = scratch("check-depths");
    let f = file(
        &dir,
        "grow.svm",
        "3\nloop:\n    dup 1 - dup 0 > loop done if jmp\ndone:\n    println\n",
    );
    let (code, stdout, stderr) = check(&[&f]);
    assert_eq!(code, Some(0));
    let name = f.display();
    assert_eq!(
        stdout,
        format!("{name}: ok (12 instructions, 2 labels, 1 warning)\n")
    );
    assert_eq!(
        stderr,
        format!(
            "warning: paths meet at `loop` with different stack depths: 1 and 2 values\n \
             --> {name}:3:5\n  |\n3 |     dup 1 - dup 0 > loop done if jmp\n  |     ^^^\n  \
             = note: a loop that grows or shrinks the stack each round, or branches that leave \
             different numbers of values, have no fixed depth: none is claimed from here\n"
        )
    );
    // Returns that disagree.
    let f = file(
        &dir,
        "ret.svm",
        "true f call stop\nf: a b if jmp\na: 1 return\nb: return\n",
    );
    let (code, _, stderr) = check(&[&f]);
    assert_eq!(code, Some(0));
    assert!(
        stderr.starts_with(&format!(
            "warning: `f` returns with different stack depths: 0 values here, 1 value at the \
             other return\n --> {}:4:4\n",
            f.display()
        )),
        "{stderr}"
    );
    assert!(stderr.ends_with(&format!("= note: the other return ({}:3:6)\n", f.display())));
}

#[test]
fn a_path_that_certainly_underflows() {
    let dir = scratch("check-underflow");
    // The program's stack comment says it takes no arguments: its depth is known.
    let f = file(
        &dir,
        "under.svm",
        "# ( -- )\n5 square call println\nstop\nsquare:\n    * return\n",
    );
    let (code, stdout, stderr) = check(&[&f]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.ends_with("ok (7 instructions, 1 label, 1 warning)\n"),
        "{stdout}"
    );
    let name = f.display();
    assert_eq!(
        stderr,
        format!(
            "warning: stack underflow on a path: `*` takes 2 values, but the stack has 1 here\n \
             --> {name}:5:5\n  |\n5 |     * return\n  |     ^\n  = note: on the path through \
             this call of `square` ({name}:2:10)\n"
        )
    );
    // Without it, the program may be given an argument: nothing is certain.
    let f = file(
        &dir,
        "args.svm",
        "5 square call println\nstop\nsquare:\n    * return\n",
    );
    let (code, stdout, stderr) = check(&[&f]);
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
    assert!(
        stdout.ends_with("ok (7 instructions, 1 label)\n"),
        "{stdout}"
    );
}

#[test]
fn a_stack_comment_that_disagrees() {
    let dir = scratch("check-comment");
    let src = "2 3 average call println\nstop\naverage:            # ( a b -- (a+b)/2 x )\n    + 2 / return\n";
    let f = file(&dir, "avg.svm", src);
    let (code, _, stderr) = check(&[&f]);
    assert_eq!(code, Some(0));
    let name = f.display();
    assert_eq!(
        stderr,
        format!(
            "warning: the stack comment of `average` says `( a b -- (a+b)/2 x )` (2 in, 2 out), \
             but it takes 2 values and leaves 1\n --> {name}:3:23\n  |\n3 | {}\n  | {}^^^^^^^^^^^^^^^^^^^^\n  \
             = note: `average` is defined here ({name}:3:1)\n",
            src.lines().nth(2).unwrap(),
            " ".repeat(22)
        )
    );
}

#[test]
fn warnings_follow_the_errors_and_keep_the_exit_code() {
    let dir = scratch("check-both");
    let bad = file(&dir, "bad.svm", "1 nope call\n");
    let warned = file(
        &dir,
        "warned.svm",
        "true a b if jmp\na: 1 2 c jmp\nb: 3\nc: println\n",
    );
    let (code, stdout, stderr) = check(&[&bad, &warned]);
    assert_eq!(code, Some(65));
    assert!(
        stdout.contains("warned.svm: ok (11 instructions, 3 labels, 1 warning)"),
        "{stdout}"
    );
    let error = stderr.find("error: undefined label `nope`").unwrap();
    let warning = stderr.find("warning: paths meet at `c`").unwrap();
    assert!(error < warning, "{stderr}");
    // Colours: the kind in yellow.
    let out = run(&["--check", "--color=always", warned.to_str().unwrap()], "");
    assert!(text(&out.stderr).starts_with("\x1b[1;33mwarning\x1b[0m: paths meet"));
}
