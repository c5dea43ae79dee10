//! The measuring harness the `core` and `wallet` benches share (each
//! includes it with `mod harness;`), and the sample national ID they issue.
//!
//! Criterion measures and reports each benchmark as usual. Every benchmark
//! goes through `iter_custom` ([`Samples::bench`]), which also records its
//! samples, so that after the last benchmark a bench can print a summary
//! (mean and median per benchmark, from criterion's measurement samples
//! only: the last `sample_size` calls of each benchmark, after its warm-up,
//! [`Samples::stats`]).
//!
//! Criterion runs benchmarks one after the other, so on a shared machine a
//! load change between two benchmarks skews their ratio. Ratios therefore
//! come from an extra *interleaved* measurement of the same routines
//! ([`BatchSizes::paired`]): in each round the operation and its baselines
//! each run a few short batches (the order of the two sides alternating
//! between rounds), each side's fastest batch counts (preemption only ever
//! adds time), the ratio is taken per round, and the median over the rounds
//! is reported with its quartiles.

// Each bench uses part of this module.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::Bencher;

pub use hawiya_core::fixtures;

/// A benchmark routine: runs the operation `iters` times and returns the
/// time of just those runs (setup excluded).
pub type Routine<'a> = Box<dyn FnMut(u64) -> Duration + 'a>;

/// One benchmark: its id, whether its calls take milliseconds (criterion's
/// flat sampling, so that a sample can be a single call), and its routine.
pub struct Bench<'a, Id> {
    pub id: Id,
    pub slow: bool,
    pub routine: Routine<'a>,
}

/// Times `iters` calls of `op`.
pub fn time_loop<T>(iters: u64, mut op: impl FnMut() -> T) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        black_box(op());
    }
    start.elapsed()
}

/// The median of `values` (sorted in place); NaN when empty.
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 0 => (values[mid - 1] + values[mid]) / 2.0,
        _ => values[mid],
    }
}

/// A duration in nanoseconds, in the unit that suits it.
pub fn fmt_time(ns: f64) -> String {
    if ns.abs() >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns.abs() >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// Mean and median time per iteration of one benchmark, in nanoseconds.
#[derive(Clone, Copy)]
pub struct Stats {
    pub mean_ns: f64,
    pub median_ns: f64,
}

/// Every `iter_custom` call of a run: (benchmark, iterations, elapsed).
pub struct Samples<Id> {
    all: Mutex<Vec<(Id, u64, Duration)>>,
}

impl<Id: Copy + Ord> Samples<Id> {
    /// No samples yet.
    pub const fn new() -> Samples<Id> {
        Samples {
            all: Mutex::new(Vec::new()),
        }
    }

    fn record(&self, id: Id, iters: u64, elapsed: Duration) {
        if let Ok(mut all) = self.all.lock() {
            all.push((id, iters, elapsed));
        }
    }

    /// Measures `routine` as criterion's benchmark `id`, recording every call.
    pub fn bench(&self, bencher: &mut Bencher<'_>, id: Id, routine: &mut Routine<'_>) {
        bencher.iter_custom(|iters| {
            let elapsed = routine(iters);
            self.record(id, iters, elapsed);
            elapsed
        });
    }

    /// Mean and median per benchmark over criterion's measurement phase,
    /// which is the last `sample_size` calls (the ones before are its
    /// warm-up).
    pub fn stats(&self, sample_size: usize) -> BTreeMap<Id, Stats> {
        let samples = self.all.lock().map(|s| s.clone()).unwrap_or_default();
        let mut by_id: BTreeMap<Id, Vec<(u64, Duration)>> = BTreeMap::new();
        for (id, iters, elapsed) in samples {
            by_id.entry(id).or_default().push((iters, elapsed));
        }
        by_id
            .into_iter()
            .filter_map(|(id, all)| {
                let measured = &all[all.len().saturating_sub(sample_size)..];
                let iters: u64 = measured.iter().map(|(n, _)| n).sum();
                if iters == 0 {
                    return None;
                }
                let total: f64 = measured.iter().map(|(_, d)| d.as_secs_f64() * 1e9).sum();
                let mut per_iter: Vec<f64> = measured
                    .iter()
                    .map(|(n, d)| d.as_secs_f64() * 1e9 / (*n).max(1) as f64)
                    .collect();
                Some((
                    id,
                    Stats {
                        mean_ns: total / iters as f64,
                        median_ns: median(&mut per_iter),
                    },
                ))
            })
            .collect()
    }
}

/// Per-iteration time in ns of a batch of `iters`.
fn per_iter_ns(routine: &mut Routine<'_>, iters: u64) -> f64 {
    routine(iters).as_secs_f64() * 1e9 / iters as f64
}

/// How an interleaved ratio is measured: rounds, and timed batches per side
/// and round (the fastest counts).
#[derive(Clone, Copy)]
pub struct Interleave {
    pub rounds: usize,
    pub batches: usize,
}

/// An interleaved ratio: median and quartiles of the per-round ratios, and
/// the median per-round difference `num - sum(den)` in ns.
pub struct Paired {
    pub median: f64,
    pub q1: f64,
    pub q3: f64,
    pub diff_ns: f64,
}

/// The iterations per batch of each benchmark: enough for a batch to take
/// about `batch` (at least one call), found once per benchmark and kept for
/// every ratio it is part of.
pub struct BatchSizes<Id> {
    batch: Duration,
    iters: BTreeMap<Id, u64>,
}

impl<Id: Copy + Ord> BatchSizes<Id> {
    /// Batches of about `batch`.
    pub fn new(batch: Duration) -> BatchSizes<Id> {
        BatchSizes {
            batch,
            iters: BTreeMap::new(),
        }
    }

    /// Iterations that take about `self.batch` (at least one).
    fn iters_for(&self, routine: &mut Routine<'_>) -> u64 {
        let target = self.batch.as_secs_f64() * 1e9;
        let once = (0..3)
            .map(|_| per_iter_ns(routine, 1))
            .fold(f64::INFINITY, f64::min);
        let rough = (target / once.max(1.0)).clamp(1.0, 1e6) as u64;
        if rough == 1 {
            return 1;
        }
        // Refine with a full batch, now that code and data are warm.
        let per = (0..3)
            .map(|_| per_iter_ns(routine, rough))
            .fold(f64::INFINITY, f64::min);
        (target / per.max(1.0)).clamp(1.0, 1e6) as u64
    }

    /// Measures `ids[0] / sum(ids[1..])`, interleaving numerator and
    /// denominator batches so that both see the same machine load. `None`
    /// if one of `ids` is not among `benches`.
    pub fn paired(
        &mut self,
        benches: &mut [Bench<'_, Id>],
        ids: &[Id],
        how: Interleave,
    ) -> Option<Paired> {
        let idx = ids
            .iter()
            .map(|id| benches.iter().position(|b| b.id == *id))
            .collect::<Option<Vec<usize>>>()?;
        for (id, i) in ids.iter().zip(&idx) {
            if !self.iters.contains_key(id) {
                let n = self.iters_for(&mut benches[*i].routine);
                self.iters.insert(*id, n);
            }
        }
        let mut ratios = Vec::with_capacity(how.rounds);
        let mut diffs = Vec::with_capacity(how.rounds);
        for round in 0..how.rounds {
            let mut time = |k: usize| {
                let n = self.iters.get(&ids[k]).copied().unwrap_or(1);
                (0..how.batches)
                    .map(|_| per_iter_ns(&mut benches[idx[k]].routine, n))
                    .fold(f64::INFINITY, f64::min)
            };
            // Alternate which side runs first, so drift cancels.
            let (num, den) = if round % 2 == 0 {
                let num = time(0);
                (num, (1..ids.len()).map(&mut time).sum::<f64>())
            } else {
                let den = (1..ids.len()).map(&mut time).sum::<f64>();
                (time(0), den)
            };
            ratios.push(num / den);
            diffs.push(num - den);
        }
        let m = median(&mut ratios);
        let quartile = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
        Some(Paired {
            median: m,
            q1: quartile(0.25),
            q3: quartile(0.75),
            diff_ns: median(&mut diffs),
        })
    }
}
