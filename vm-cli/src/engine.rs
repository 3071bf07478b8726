//! How `svm` runs a program's slices: in the interpreter (with the optimizer's blocks),
//! or with the WebAssembly tier taking over a run that gets hot (`vm-wasmtime`'s
//! [`TierUp`](vm_wasmtime::TierUp), in a build with the `tier` feature, the default).
//! Either way the output, status, errors and step counts are the same.

use vm_core::{Machine, Observer, Status};

/// Runs slices of a program.
pub struct Runner {
    #[cfg(feature = "tier")]
    tier: Option<vm_wasmtime::TierUp>,
    /// Why there is no tier, for `--stats`.
    #[cfg_attr(feature = "tier", allow(dead_code))]
    without: &'static str,
}

impl Runner {
    /// The interpreter only.
    pub fn interpreter(why: &'static str) -> Runner {
        Runner {
            #[cfg(feature = "tier")]
            tier: None,
            without: why,
        }
    }

    /// The interpreter, and the tier once the run is hot (the interpreter only in a
    /// build without the tier).
    /// `SVM_TIER_AT=N` moves the run into the module at step N, compiled on this thread
    /// meanwhile (for tests and measurements that must not depend on timing).
    pub fn tiered() -> Runner {
        #[cfg(feature = "tier")]
        let tier = match std::env::var("SVM_TIER_AT")
            .ok()
            .and_then(|n| n.parse().ok())
        {
            Some(step) => vm_wasmtime::TierUp::at_step(step),
            None => vm_wasmtime::TierUp::new(),
        };
        Runner {
            #[cfg(feature = "tier")]
            tier: Some(tier),
            without: "not in this build of svm",
        }
    }

    /// Runs at most `budget` steps. A watched run (an observer that is not
    /// [`vm_core::Quiet`]) runs in the interpreter.
    pub fn slice<O: core::fmt::Write, B: Observer>(
        &mut self,
        machine: &mut Machine,
        budget: u64,
        out: &mut O,
        observer: &mut B,
    ) -> Status {
        #[cfg(feature = "tier")]
        if let (Some(tier), false) = (&mut self.tier, B::ACTIVE) {
            return tier.run(machine, budget, out);
        }
        machine.run_with(budget, out, observer)
    }

    /// What the tier did, as `--stats` says it.
    pub fn report(&self) -> String {
        #[cfg(feature = "tier")]
        if let Some(tier) = &self.tier {
            return tier_report(tier.report());
        }
        format!("tier: off ({})", self.without)
    }
}

#[cfg(feature = "tier")]
fn tier_report(report: vm_wasmtime::TierUpReport) -> String {
    use vm_core::text::thousands;
    use vm_wasmtime::TierUpReport;
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    match report {
        TierUpReport::Cold => format!(
            "tier: nothing compiled (the run ended before {} steps)",
            thousands(vm_wasmtime::HOT_STEPS)
        ),
        TierUpReport::Compiling(d) => format!(
            "tier: the run ended while its module was compiled ({:.3} ms so far)",
            ms(d)
        ),
        TierUpReport::Off(why) => format!("tier: off ({why})"),
        TierUpReport::Ran(f) => format!(
            "tier: {} blocks compiled ({} left to the interpreter), {} bytes in {} functions; \
             made in {:.3} ms, compiled in {:.3} ms ({:.3} ms of it starting wasmtime); \
             entered {} times",
            thousands(u64::from(f.blocks)),
            thousands(u64::from(f.declined)),
            thousands(f.bytes as u64),
            thousands(f.functions as u64),
            ms(f.generate),
            ms(f.compile),
            ms(f.engine),
            thousands(f.entries)
        ),
    }
}
