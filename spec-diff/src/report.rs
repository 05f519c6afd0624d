//! The result of a comparison and its human-readable rendering.

use std::fmt;

/// Whether a difference breaks an existing client generated from the old spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Label {
    Breaking,
    Compatible,
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Label::Breaking => "breaking",
            Label::Compatible => "compatible",
        })
    }
}

/// One counted difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// `(global)` or the operation, e.g. `POST /v1/Conversations (CreateConversation)`.
    pub group: String,
    /// Where, e.g. `request body field Timers.Inactive`.
    pub location: String,
    /// What, e.g. `format: none -> date-time`.
    pub change: String,
    pub label: Label,
}

impl Difference {
    /// `location: change [label]`, as printed under the group.
    pub fn line(&self) -> String {
        format!("{}: {} [{}]", self.location, self.change, self.label)
    }
}

/// A refinement: a difference that says what the API already does and is not counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refinement {
    pub group: String,
    pub location: String,
    pub change: String,
}

impl Refinement {
    /// `location: change`, as printed under the group.
    pub fn line(&self) -> String {
        format!("{}: {}", self.location, self.change)
    }
}

/// Everything found, in output order (global facts first, then operations by path and method).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub differences: Vec<Difference>,
    pub refinements: Vec<Refinement>,
}

impl Report {
    pub fn breaking(&self) -> usize {
        self.count(Label::Breaking)
    }

    pub fn compatible(&self) -> usize {
        self.count(Label::Compatible)
    }

    fn count(&self, label: Label) -> usize {
        self.differences.iter().filter(|d| d.label == label).count()
    }

    /// The last line: `spec-diff: N differences (B breaking, C compatible), R refinements`.
    pub fn summary(&self) -> String {
        format!(
            "spec-diff: {} differences ({} breaking, {} compatible), {} refinements",
            self.differences.len(),
            self.breaking(),
            self.compatible(),
            self.refinements.len()
        )
    }

    /// The full text: differences grouped by operation, the refinements, the summary line.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let mut group: Option<&str> = None;
        for d in &self.differences {
            if group != Some(d.group.as_str()) {
                if group.is_some() {
                    s.push('\n');
                }
                s.push_str(&d.group);
                s.push('\n');
                group = Some(&d.group);
            }
            s.push_str("  ");
            s.push_str(&d.line());
            s.push('\n');
        }
        if !self.refinements.is_empty() {
            if !s.is_empty() {
                s.push('\n');
            }
            s.push_str("refinements (not counted):\n");
            let mut group: Option<&str> = None;
            for r in &self.refinements {
                if group != Some(r.group.as_str()) {
                    s.push_str("  ");
                    s.push_str(&r.group);
                    s.push('\n');
                    group = Some(&r.group);
                }
                s.push_str("    ");
                s.push_str(&r.line());
                s.push('\n');
            }
        }
        if !s.is_empty() {
            s.push('\n');
        }
        s.push_str(&self.summary());
        s.push('\n');
        s
    }
}
