//! The benchmark table shared by the native `bench-report` binary and its wasm twin: which
//! cases run, how each is timed, and how the table reads. The clock is handed in, so that the
//! same code measures with `Instant` natively and with `performance.now()` under Node.

use crate::alloc;
use crate::workloads::{config_with, raised_limits, Counts, Prepared, Workload, WorkloadError};
use stepwise_engine::Limits;

/// One line of the table: a workload at a size, within AWS's quotas or past them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Case {
    pub workload: Workload,
    pub n: usize,
    /// Run with `raised_limits()` (history, payload and execution quotas lifted).
    pub raised: bool,
}

/// The sizes the issue asks for: 1,000 and 5,000 (3,000 for the workloads that start child
/// executions) within AWS's quotas, and 10,000 with the quotas raised.
pub fn default_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for w in Workload::ALL {
        if !w.is_sized() {
            cases.push(Case {
                workload: w,
                n: 1,
                raised: false,
            });
            continue;
        }
        let mid = if matches!(w, Workload::Nested | Workload::Callback) {
            3_000
        } else {
            5_000
        };
        cases.push(Case {
            workload: w,
            n: 1_000,
            raised: false,
        });
        cases.push(Case {
            workload: w,
            n: mid,
            raised: false,
        });
        cases.push(Case {
            workload: w,
            n: 10_000,
            raised: true,
        });
    }
    cases
}

#[derive(Clone, Debug)]
pub struct Options {
    /// Runs per case; the table shows the median wall time.
    pub repeat: usize,
    /// Unmeasured runs before them, at least this many and for at least `WARMUP_MS`: a JIT (V8
    /// tiers wasm up while it runs) must not be timed half-compiled.
    pub warmup: usize,
    /// Only these workloads (all when empty).
    pub only: Vec<Workload>,
    /// Skip cases above this size.
    pub max_n: usize,
    /// Instead of the default sizes, run every selected workload at this one size.
    pub n: Option<usize>,
    /// With `n`: lift AWS's quotas as the N = 10,000 cases do.
    pub raised: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            repeat: 3,
            warmup: 2,
            only: Vec::new(),
            max_n: usize::MAX,
            n: None,
            raised: false,
        }
    }
}

impl Options {
    /// Parses `--repeat R`, `--warmup W`, `--only a,b`, `--max-n N`, `--quick` (= `--max-n 5000 --repeat 1 --warmup 0`),
    /// `--n N` (one size instead of the defaults) and `--raised` (with `--n`: lift the quotas).
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut o = Options::default();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match a.as_str() {
                "--repeat" => o.repeat = value("--repeat")?.parse().map_err(|e| format!("--repeat: {e}"))?,
                "--warmup" => o.warmup = value("--warmup")?.parse().map_err(|e| format!("--warmup: {e}"))?,
                "--max-n" => o.max_n = value("--max-n")?.parse().map_err(|e| format!("--max-n: {e}"))?,
                "--n" => o.n = Some(value("--n")?.parse().map_err(|e| format!("--n: {e}"))?),
                "--raised" => o.raised = true,
                "--quick" => {
                    o.max_n = 5_000;
                    o.repeat = 1;
                    o.warmup = 0;
                }
                "--only" => {
                    for name in value("--only")?.split(',') {
                        o.only.push(Workload::parse(name.trim()).ok_or_else(|| format!("unknown workload {name:?}"))?);
                    }
                }
                other => return Err(format!("unknown argument {other:?} (use --repeat R, --warmup W, --only loop,map, --max-n N, --quick, --n N, --raised)")),
            }
        }
        if o.repeat == 0 {
            return Err("--repeat must be at least 1".into());
        }
        Ok(o)
    }

    pub fn cases(&self) -> Vec<Case> {
        let all = match self.n {
            Some(n) => Workload::ALL
                .into_iter()
                .map(|w| Case {
                    workload: w,
                    n: if w.is_sized() { n } else { 1 },
                    raised: self.raised,
                })
                .collect(),
            None => default_cases(),
        };
        all.into_iter()
            .filter(|c| self.only.is_empty() || self.only.contains(&c.workload))
            .filter(|c| c.n <= self.max_n)
            .collect()
    }
}

/// A measured case.
#[derive(Clone, Debug)]
pub struct Row {
    pub case: Case,
    /// Median wall time of StartExecution + running to the end (setup and checks excluded).
    pub wall_ms: f64,
    pub counts: Counts,
    /// Peak live heap during the run above what was live before it (0 without the counting
    /// allocator).
    pub peak_bytes: usize,
}

impl Row {
    pub fn transitions_per_sec(&self) -> f64 {
        self.counts.transitions as f64 / (self.wall_ms / 1000.0)
    }
}

/// How long warm-up runs go on at least (when `warmup` > 0): V8 compiles hot wasm functions with
/// its optimizing tier only after they have run for a while, which short runs do not reach.
pub const WARMUP_MS: f64 = 250.0;

/// Runs one case unmeasured (`warmup` times and `WARMUP_MS` at least), then `repeat` times
/// measured; every run is checked, so a wrong result is an error, not a figure.
pub fn measure(
    case: Case,
    warmup: usize,
    repeat: usize,
    now_ms: &dyn Fn() -> f64,
) -> Result<Row, WorkloadError> {
    let limits = if case.raised {
        raised_limits()
    } else {
        Limits::default()
    };
    let warm_start = now_ms();
    let mut warm_runs = 0;
    while warm_runs < warmup
        || (warmup > 0 && now_ms() - warm_start < WARMUP_MS && warm_runs < 10_000)
    {
        Prepared::new(case.workload, case.n, config_with(limits.clone()))?
            .execute()?
            .verify()?;
        warm_runs += 1;
    }
    let mut walls = Vec::with_capacity(repeat);
    let mut peak = 0;
    let mut counts = Counts::default();
    for _ in 0..repeat.max(1) {
        let prepared = Prepared::new(case.workload, case.n, config_with(limits.clone()))?;
        let base = alloc::reset_peak();
        let t0 = now_ms();
        let finished = prepared.execute()?;
        let wall = now_ms() - t0;
        peak = peak.max(alloc::peak_bytes().saturating_sub(base));
        counts = finished.verify()?;
        walls.push(wall);
    }
    walls.sort_by(f64::total_cmp);
    Ok(Row {
        case,
        wall_ms: walls[walls.len() / 2],
        counts,
        peak_bytes: peak,
    })
}

/// Per-transition cost of `row` relative to the smallest size of the same workload: 1.0 means
/// linear growth, N_large/N_small means quadratic.
pub fn growth_ratio(rows: &[Row], row: &Row) -> Option<f64> {
    let base = rows
        .iter()
        .filter(|r| r.case.workload == row.case.workload)
        .min_by_key(|r| r.case.n)?;
    if base.case.n == row.case.n
        || base.counts.transitions == 0
        || row.counts.transitions == 0
        || base.wall_ms <= 0.0
    {
        return None;
    }
    let per = |r: &Row| r.wall_ms / r.counts.transitions as f64;
    Some(per(row) / per(base))
}

pub const HEADER: &str = "| workload | N | limits | wall ms | transitions | events | executions | transitions/s | peak MiB | ratio |";
pub const RULE: &str = "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";

pub fn render_row(rows: &[Row], row: &Row) -> String {
    let ratio = growth_ratio(rows, row).map_or("–".to_owned(), |r| format!("{r:.2}"));
    format!(
        "| {} | {} | {} | {:.2} | {} | {} | {} | {} | {:.1} | {} |",
        row.case.workload,
        if row.case.workload.is_sized() {
            row.case.n.to_string()
        } else {
            "–".into()
        },
        if row.case.raised { "raised" } else { "AWS" },
        row.wall_ms,
        row.counts.transitions,
        row.counts.events,
        row.counts.executions,
        group_thousands(row.transitions_per_sec()),
        row.peak_bytes as f64 / (1024.0 * 1024.0),
        ratio,
    )
}

pub const LEGEND: &str = "wall ms: median of the measured runs (after unmeasured warm-up runs: 2 and 250 ms at least), StartExecution to the end of the run (engine setup and output checks excluded), \
history recorded. limits: AWS = default quotas (25,000 events, 256 KiB payloads, 10,000 executions); raised = \
max_history_events, max_payload_bytes and max_executions lifted for N = 10,000. peak MiB: live heap high-water mark \
during the run above the heap before it. ratio: wall time per transition relative to the smallest N of the \
same workload (1.00 = linear).";

fn group_thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Runs every selected case, printing each line as soon as it is measured (a slow or broken
/// case shows where the run is). Returns whether all cases succeeded.
pub fn run_table(options: &Options, now_ms: &dyn Fn() -> f64, print: &mut dyn FnMut(&str)) -> bool {
    let mut rows: Vec<Row> = Vec::new();
    let mut ok = true;
    print(HEADER);
    print(RULE);
    for case in options.cases() {
        match measure(case, options.warmup, options.repeat, now_ms) {
            Ok(row) => {
                rows.push(row);
                let last = rows.last().cloned();
                if let Some(r) = last {
                    print(&render_row(&rows, &r));
                }
            }
            Err(e) => {
                ok = false;
                print(&format!(
                    "| {} | {} | {} | FAILED | | | | | | |",
                    case.workload,
                    case.n,
                    if case.raised { "raised" } else { "AWS" }
                ));
                for line in e.to_string().lines() {
                    print(&format!("    {line}"));
                }
            }
        }
    }
    print("");
    print(LEGEND);
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_options() {
        let args: Vec<String> = ["--only", "loop,map", "--repeat", "2"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let o = Options::parse(&args).unwrap();
        assert_eq!(o.only, vec![Workload::Loop, Workload::Map]);
        assert_eq!(o.repeat, 2);
        assert_eq!(o.cases().len(), 6);
        assert!(Options::parse(&["--only".into(), "x".into()]).is_err());
        assert!(Options::parse(&["--repeat".into(), "0".into()]).is_err());
        let quick = Options::parse(&["--quick".into()]).unwrap();
        assert!(quick.cases().iter().all(|c| !c.raised));
        let one =
            Options::parse(&["--n".into(), "7".into(), "--only".into(), "map".into()]).unwrap();
        assert_eq!(
            one.cases(),
            vec![Case {
                workload: Workload::Map,
                n: 7,
                raised: false
            }]
        );
    }

    #[test]
    fn ratio_is_per_transition() {
        let row = |n: usize, wall: f64, t: u64| Row {
            case: Case {
                workload: Workload::Loop,
                n,
                raised: false,
            },
            wall_ms: wall,
            counts: Counts {
                transitions: t,
                events: 0,
                executions: 1,
            },
            peak_bytes: 0,
        };
        let rows = vec![row(1000, 10.0, 1000), row(5000, 100.0, 5000)];
        assert_eq!(growth_ratio(&rows, &rows[0]), None);
        assert_eq!(growth_ratio(&rows, &rows[1]), Some(2.0));
        assert_eq!(group_thousands(1234567.4), "1,234,567");
        assert_eq!(group_thousands(12.0), "12");
    }
}
