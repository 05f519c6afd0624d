//! OpenAPI to Rust client generator for Twilio Conversations v1.
//!
//! Data flows one way: spec text -> [`load`] -> [`lower`] (with [`scope`] merging) -> [`ir`]
//! -> [`emit`] -> [`render`] -> files. A webhook events spec takes the same way, through
//! [`lower::lower_events`] to [`ir::events`] and `events.rs`. Each stage is a pure function;
//! nothing here does I/O.

pub mod emit;
pub mod error;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
mod namespace;
pub mod package;
mod prose;
mod raw;
pub mod render;
pub mod report;
pub mod scope;

pub use error::Error;
use std::collections::BTreeMap;

/// Everything one run produces.
#[derive(Debug, Clone)]
pub struct Generated {
    /// File name (relative to `src/generated/`) -> formatted source.
    pub files: BTreeMap<String, String>,
    /// `DRIFT.md`.
    pub drift_report: String,
    /// Name and description for a standalone crate of this API.
    pub package: package::Package,
    pub summary: Summary,
}

/// Counts for the regen summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub operations: usize,
    pub resources: usize,
    pub merged_pairs: usize,
    pub drift_items: usize,
    pub models: usize,
    pub enums: usize,
    /// Webhook events (0 without an events spec).
    pub events: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} operations, {} resources, {} merged scope pairs, {} drift items, {} models, {} enums, {} webhook events",
            self.operations, self.resources, self.merged_pairs, self.drift_items, self.models, self.enums, self.events
        )
    }
}

fn count_resources(n: &ir::Node) -> usize {
    usize::from(!n.ops.is_empty()) + n.children.iter().map(count_resources).sum::<usize>()
}

/// Wall time of each stage of one run; the four add up to the run's time.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    pub load: std::time::Duration,
    /// Lowering the spec (and the events spec) to the IR.
    pub lower: std::time::Duration,
    /// Emit and format run as one phase, each job's tokens built and formatted on the same
    /// core (see [`render::render_jobs`]); the phase's wall time is split between the two in
    /// proportion to the thread time each took. `format` also holds writing `DRIFT.md`.
    pub emit: std::time::Duration,
    pub format: std::time::Duration,
}

/// What one run generates from: the spec, what its preambles call it, the webhook events spec
/// if any, and what the runtime supplies.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub spec: &'a str,
    /// How the preamble of every generated file names the spec.
    pub source: &'a str,
    /// Webhook events to generate `events.rs` from; without them it knows only `Unknown`.
    pub events: Option<EventsSpec<'a>>,
    /// What the runtime does by itself, by the names the spec uses for it.
    pub conventions: Conventions<'a>,
}

/// The names under which a spec declares what the runtime crate handles by itself. They are
/// the runtime's constants (`twilio_runtime::CLIENT_PATH_PARAMETERS`, `IDEMPOTENCY_KEY_HEADER`,
/// `PAGE_TOKEN_MEMBER`, `PAGE_TOKEN_PARAMETER`, `OPERATION_STATUS_URL_MEMBER`), which
/// `cargo xtask regen` passes here, so the generator holds none of them. A convention left
/// `None` is not recognised: the spec's parameter or member is then an ordinary one.
#[derive(Debug, Clone, Copy, Default)]
pub struct Conventions<'a> {
    /// Path parameters the runtime's client supplies itself (`AccountSid`). Resources under
    /// the one parent every path of an API sits under are reached straight from the client only
    /// when that parent's parameter is one of these; otherwise through the parent's accessor,
    /// with a value the caller gives.
    pub client_path_parameters: &'a [&'a str],
    /// The header of an idempotency key (`Idempotency-Key`): an operation that declares it
    /// sends a fresh key per call unless the caller gives one, and is retried like a read.
    pub idempotency_key_header: Option<&'a str>,
    /// Paging by token: a list whose `meta` has this member and whose operation takes this
    /// query parameter follows the token instead of a `next_page_url` link.
    pub page_token: Option<PageToken<'a>>,
    /// The member of a `202` answer that names where to poll it (`statusUrl`): such an answer
    /// is an [`ir::ResponseKind::LongRunning`] to wait for.
    pub operation_status_url: Option<&'a str>,
}

impl<'a> Conventions<'a> {
    /// Only the client's path parameters; nothing else is recognised.
    pub fn client_path_parameters(names: &'a [&'a str]) -> Conventions<'a> {
        Conventions {
            client_path_parameters: names,
            ..Conventions::default()
        }
    }

    /// With the runtime's idempotency key header.
    pub fn idempotency_key_header(self, header: &'a str) -> Conventions<'a> {
        Conventions {
            idempotency_key_header: Some(header),
            ..self
        }
    }

    /// With the runtime's page token member and query parameter.
    pub fn page_token(self, member: &'a str, parameter: &'a str) -> Conventions<'a> {
        Conventions {
            page_token: Some(PageToken { member, parameter }),
            ..self
        }
    }

    /// With the runtime's status URL member of accepted operations.
    pub fn operation_status_url(self, member: &'a str) -> Conventions<'a> {
        Conventions {
            operation_status_url: Some(member),
            ..self
        }
    }
}

/// How a list pages by token: see [`Conventions::page_token`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageToken<'a> {
    /// The member of the page's `meta` that holds the next page's token (`nextToken`).
    pub member: &'a str,
    /// The query parameter the token is sent back in (`pageToken`).
    pub parameter: &'a str,
}

impl<'a> Input<'a> {
    /// A spec alone: no events, no client-supplied path parameters.
    pub fn new(spec: &'a str, source: &'a str) -> Input<'a> {
        Input {
            spec,
            source,
            events: None,
            conventions: Conventions::default(),
        }
    }

    /// With the webhook events of `events`.
    pub fn events(self, events: EventsSpec<'a>) -> Input<'a> {
        Input {
            events: Some(events),
            ..self
        }
    }

    /// With the runtime's conventions.
    pub fn conventions(self, conventions: Conventions<'a>) -> Input<'a> {
        Input {
            conventions,
            ..self
        }
    }
}

/// A webhook events spec to generate `events.rs` from, and the name its preamble gives it.
#[derive(Debug, Clone, Copy)]
pub struct EventsSpec<'a> {
    pub text: &'a str,
    pub source: &'a str,
}

/// Spec text (YAML or JSON) -> generated files: [`generate_with`] of [`Input::new`].
pub fn generate(spec_text: &str, source: &str) -> Result<Generated, Error> {
    generate_with(&Input::new(spec_text, source))
}

/// Spec (and events spec) -> generated files.
pub fn generate_with(input: &Input<'_>) -> Result<Generated, Error> {
    generate_timed(input).map(|(g, _)| g)
}

/// The files of a second API that lives in a module of the same crate (its own host, say) and
/// is reached through `client.<accessor>()` rather than from the client itself.
/// `Generated::drift_report` covers this spec alone; events are not generated.
pub fn generate_module(input: &Input<'_>, accessor: &str) -> Result<Generated, Error> {
    let api = load::parse(input.spec)?;
    let ir = lower::lower_module(&api, &input.conventions, accessor)?;
    let plan = emit::plan(&ir, emit::Part::Module { entry: accessor });
    let (files, _) = render_plan(&plan, |_| input.source)?;
    Ok(Generated {
        files,
        drift_report: report::drift_markdown(&ir, input.source),
        package: package::package(&ir.title, &ir.path_prefix),
        summary: summary(&ir, 0),
    })
}

impl Generated {
    /// Add `module` (from [`generate_module`] of the spec named `source`) as the submodule
    /// `name`: its files go under `<name>/`, and the main `mod.rs` declares it. The rest (drift
    /// report, package, summary) stays this API's.
    pub fn with_module(mut self, name: &str, source: &str, module: Generated) -> Generated {
        // A module's resource file named like the module (`<name>/<name>.rs`) would be what
        // clippy's module_inception flags; the plan names it apart when the module's entry is
        // its name, so the lint is only allowed when a module was added under another name.
        let inception = module.files.contains_key(&format!("{name}.rs"));
        for (file, body) in module.files {
            self.files.insert(format!("{name}/{file}"), body);
        }
        if let Some(main) = self.files.get_mut("mod.rs") {
            let allow = if inception {
                "#[allow(clippy::module_inception)]\n"
            } else {
                ""
            };
            main.push_str(&format!(
                "/// Generated from {source}: reached through `client.{name}()`.\n\
                 {allow}pub mod {name};\n"
            ));
        }
        self
    }
}

fn summary(ir: &ir::Api, events: usize) -> Summary {
    Summary {
        operations: ir.operation_count,
        resources: count_resources(&ir.root),
        merged_pairs: ir.report.merged.len(),
        drift_items: ir.report.drift.len(),
        models: ir.models.len(),
        enums: ir.enums.len(),
        events,
    }
}

/// Build and format every file of `plan` on every core. `source_of` gives, for a file name, the
/// spec its preamble names.
fn render_plan<'s>(
    plan: &emit::Plan<'_>,
    source_of: impl Fn(&str) -> &'s str,
) -> Result<(BTreeMap<String, String>, render::Spent), Error> {
    let files: Vec<(String, &str)> = plan
        .files()
        .iter()
        .map(|name| (name.clone(), source_of(name)))
        .collect();
    let (files, spent) = render::render_jobs(&files, plan.jobs(), |job| plan.tokens(job))?;
    Ok((files.into_iter().collect(), spent))
}

/// [`generate_with`], also returning how long each stage took.
pub fn generate_timed(input: &Input<'_>) -> Result<(Generated, Timings), Error> {
    let (source, events_spec) = (input.source, input.events);
    use std::time::Instant;
    let mut t = Timings::default();
    let start = Instant::now();
    let api = load::parse(input.spec)?;
    t.load = start.elapsed();
    let start = Instant::now();
    let ir = lower::lower(&api, &input.conventions)?;
    // The parsed spec is as large as the IR; free it before emit and format add theirs.
    drop(api);
    t.lower = start.elapsed();
    let events = match events_spec {
        Some(e) => {
            let in_events_spec = |err: Error| Error {
                message: format!("{} (in the events spec {})", err.message, e.source),
                ..err
            };
            let start = Instant::now();
            let api = load::parse(e.text).map_err(in_events_spec)?;
            t.load += start.elapsed();
            let start = Instant::now();
            let events = lower::lower_events(&api).map_err(in_events_spec)?;
            t.lower += start.elapsed();
            Some(events)
        }
        None => None,
    };
    let start = Instant::now();
    let plan = emit::plan(
        &ir,
        emit::Part::Main {
            events: events.as_ref(),
        },
    );
    let (files, spent) = render_plan(&plan, |name| match events_spec {
        Some(e) if name == "events.rs" => e.source,
        _ => source,
    })?;
    let drift_report = report::drift_markdown(&ir, source);
    let package = package::package(&ir.title, &ir.path_prefix);
    (t.emit, t.format) = spent.split(start.elapsed());
    let summary = summary(&ir, events.as_ref().map_or(0, |e| e.events.len()));
    Ok((
        Generated {
            files,
            drift_report,
            package,
            summary,
        },
        t,
    ))
}
