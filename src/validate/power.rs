//! 权力清单 checks across files and inside each power's 流程.
//!
//! Errors: a code that is not URL-safe or used twice (both files named),
//! a 职权类型 outside the site's vocabulary, no 设定依据, a promised limit
//! above the legal one, no steps, two steps of one name, a step without
//! an actor, `next` naming no step, a step the flow never reaches from
//! the first one, and a loop with no way out.
//!
//! Loops: a 补正 loop (受理 → 材料齐全？ → 补正 → 受理) is common in real
//! flowcharts, so a cycle is allowed as long as it passes a decision (a
//! step with two or more ways out): the applicant can leave it. A cycle
//! through steps with one way out each can never end, and is an error.
//!
//! Warning: the step limits along some path from the first step add up to
//! more than the promised limit (or the legal one when there is no
//! promise). Loops are counted once: a 补正 round restarts the clock in
//! law (条例 第三十条), so it does not add to the promise.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{Diagnostics, did_you_mean, quoted_alternatives};
use crate::model::{PowerItem, SiteConfig, Status};

/// Check every power: codes across files, and each power's fields and
/// 流程. Which ones are published is decided with the catalog items
/// ([`super::history::sort_out`]).
pub fn check_powers(
    powers: &[PowerItem],
    config: Option<&SiteConfig>,
    diagnostics: &mut Diagnostics,
) {
    let mut by_code: BTreeMap<&str, &PowerItem> = BTreeMap::new();
    for power in powers.iter().filter(|p| !p.code.value.is_empty()) {
        let code = &power.code.value;
        if !is_valid_code(code) {
            diagnostics.push(
                power
                    .source
                    .error(
                        "bad-power-code",
                        power.code.span.clone(),
                        format!("职权编码 \"{code}\" cannot be used in a web address"),
                    )
                    .with_help("a code uses at most 240 ASCII letters, digits, `-`, `_` and `.` (not first), e.g. \"530100-XK-001\" (it becomes the page address /powers/<code>/)"),
            );
        }
        match by_code.get(code.as_str()) {
            Some(first) => diagnostics.push(
                power
                    .source
                    .error(
                        "duplicate-power-code",
                        power.code.span.clone(),
                        format!(
                            "职权编码 \"{code}\" is already used by {}",
                            first.source.path.display()
                        ),
                    )
                    .with_related(&first.source, first.code.span.clone(), "first used here")
                    .with_help(
                        "every power needs its own code; give this one the next free number",
                    ),
            ),
            None => {
                by_code.insert(code, power);
            }
        }
    }
    if let Some(config) = config {
        let vocabulary: Vec<&str> = config.power_categories.iter().map(String::as_str).collect();
        for power in powers {
            check_power(power, &vocabulary, diagnostics);
        }
    }
}

/// Letters, digits, `-`, `_`, `.`; a path segment (not `.` or `..`, no
/// leading `.`, at most 240 bytes).
pub fn is_valid_code(code: &str) -> bool {
    !code.is_empty()
        && code != "."
        && code != ".."
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && crate::urls::segment_problem(code).is_none()
}

fn check_power(power: &PowerItem, vocabulary: &[&str], diagnostics: &mut Diagnostics) {
    let source = &power.source;
    let category = &power.category.value;
    if !category.is_empty() && !vocabulary.contains(&category.as_str()) {
        let help = match did_you_mean(category, vocabulary.iter().copied()) {
            Some(m) => format!(
                "did you mean \"{m}\"? 职权类型 is one of {}",
                quoted_alternatives(vocabulary)
            ),
            None => format!(
                "职权类型 is one of {} (a site may set its own list as `power_categories` under `[vocabularies]` in site.toml)",
                quoted_alternatives(vocabulary)
            ),
        };
        diagnostics.push(
            source
                .error(
                    "unknown-power-category",
                    power.category.span.clone(),
                    format!("职权类型 \"{category}\" is not in the site's vocabulary"),
                )
                .with_help(help),
        );
    }
    if power.basis.iter().all(|b| b.value.trim().is_empty()) {
        diagnostics.push(
            source
                .error("missing-basis", power.basis_span.clone(), "the power names no 设定依据 (legal basis)")
                .with_help("list the provisions it rests on, law first: basis = [\"《中华人民共和国行政许可法》第十二条\"]"),
        );
    }
    if let (Some(legal), Some(promised)) = (&power.legal_limit_days, &power.promised_limit_days)
        && promised.value > legal.value
    {
        diagnostics.push(
            source
                .error(
                    "promised-over-legal",
                    promised.span.clone(),
                    format!(
                        "the promised limit ({} working days) is longer than the legal limit ({})",
                        promised.value, legal.value
                    ),
                )
                .with_related(source, legal.span.clone(), "legal limit")
                .with_help(format!(
                    "a 承诺期限 can only shorten the 法定期限: set promised_limit_days to {} or less",
                    legal.value
                )),
        );
    }
    match (power.status, &power.retired) {
        (Status::Repealed | Status::Expired, None) => diagnostics.push(
            source
                .error(
                    "missing-retired",
                    power.status_span.clone(),
                    "a repealed or expired power needs the date it stopped",
                )
                .with_help("add `retired = 2024-03-01` and `retired_reason = \"……取消\"` (the 调整类型 and the decision document)"),
        ),
        (Status::InForce | Status::Amended, Some(retired)) => diagnostics.push(
            source
                .error(
                    "retired-but-in-force",
                    retired.span.clone(),
                    "`retired` is set but the status says the power is in force",
                )
                .with_help("set status = \"repealed\" or \"expired\", or remove `retired`"),
        ),
        _ => {}
    }
    let missing: Vec<&str> = [
        ("office (承办机构)", power.office.is_none()),
        (
            "responsibilities (责任事项)",
            power.responsibilities.is_empty(),
        ),
        ("accountability (追责情形)", power.accountability.is_empty()),
        ("supervision (监督投诉渠道)", power.supervision.is_none()),
    ]
    .into_iter()
    .filter_map(|(name, absent)| absent.then_some(name))
    .collect();
    if !missing.is_empty() {
        diagnostics.push(
            source
                .warning(
                    "power-incomplete",
                    power.code.span.clone(),
                    format!("the power does not state {}", missing.join(", ")),
                )
                .with_help("权力清单 list each power's 承办机构, 责任事项, 追责情形 and 监督电话; add the missing fields"),
        );
    }
    check_steps(power, diagnostics);
}

fn check_steps(power: &PowerItem, diagnostics: &mut Diagnostics) {
    let source = &power.source;
    if power.steps.is_empty() {
        diagnostics.push(
            source
                .error("missing-steps", power.steps_span.clone(), "the power has no steps: its 流程图 cannot be drawn")
                .with_help("add the steps in order, each as\n[[steps]]\nname = \"受理\"\nactor = \"政务服务窗口\"\nlimit_days = 1"),
        );
        return;
    }
    let mut names: BTreeMap<&str, &crate::model::Step> = BTreeMap::new();
    for step in &power.steps {
        if step.name.value.is_empty() {
            continue;
        }
        if let Some(first) = names.get(step.name.value.as_str()) {
            diagnostics.push(
                source
                    .error(
                        "duplicate-step",
                        step.name.span.clone(),
                        format!("two steps are named \"{}\"", step.name.value),
                    )
                    .with_related(source, first.name.span.clone(), "first step of this name")
                    .with_help("`next` finds steps by name: give each step its own name"),
            );
        } else {
            names.insert(&step.name.value, step);
        }
        if step
            .actor
            .as_ref()
            .is_none_or(|a| a.value.trim().is_empty())
        {
            diagnostics.push(
                source
                    .error("step-without-actor", step.name.span.clone(), format!("step \"{}\" names no actor", step.name.value))
                    .with_help("say who does it, e.g. actor = \"政务服务窗口\" (the 流程图 shows it in the step's box)"),
            );
        }
        for next in step.next.iter().flatten() {
            if !names_contain(power, &next.step.value) {
                let all: Vec<&str> = power.steps.iter().map(|s| s.name.value.as_str()).collect();
                let help = match did_you_mean(&next.step.value, all.iter().copied()) {
                    Some(m) => format!("did you mean \"{m}\"?"),
                    None => format!("the steps are {}", quoted_alternatives(&all)),
                };
                diagnostics.push(
                    source
                        .error(
                            "unknown-step",
                            next.step.span.clone(),
                            format!(
                                "`next` of \"{}\" names a step \"{}\" that does not exist",
                                step.name.value, next.step.value
                            ),
                        )
                        .with_help(help),
                );
            }
        }
    }

    let graph = power.successors();
    let walk = Walk::from_first(&graph);
    // A misspelt `next` also cuts off the steps after it: report the
    // misspelling alone.
    let dangling = power
        .steps
        .iter()
        .flat_map(|s| s.next.iter().flatten())
        .any(|n| !names_contain(power, &n.step.value));
    for (i, step) in power.steps.iter().enumerate() {
        if !walk.reached[i] && !dangling {
            diagnostics.push(
                source
                    .error(
                        "unreachable-step",
                        step.span.clone(),
                        format!("step \"{}\" cannot be reached from the first step \"{}\"", step.name.value, power.steps[0].name.value),
                    )
                    .with_help("let an earlier step lead to it with `next = [\"…\"]`, or remove it; the flow starts at the first [[steps]]"),
            );
        }
    }
    for &(from, to) in &walk.back_edges {
        let cycle = walk.cycle(from, to);
        if cycle.iter().all(|&s| graph[s].len() < 2) {
            let path: Vec<&str> = cycle
                .iter()
                .map(|&s| power.steps[s].name.value.as_str())
                .collect();
            diagnostics.push(
                source
                    .error(
                        "endless-loop",
                        power.steps[from].span.clone(),
                        format!(
                            "step \"{}\" leads back to \"{}\" and the loop {} → {} has no way out",
                            power.steps[from].name.value,
                            power.steps[to].name.value,
                            path.join(" → "),
                            power.steps[to].name.value
                        ),
                    )
                    .with_help("a loop (such as 补正 back to 受理) must pass a decision: give one of its steps two ways out, e.g. next = [{ step = \"审查\", when = \"材料齐全\" }, { step = \"补正\", when = \"材料不全\" }]"),
            );
        }
    }

    let limit = power
        .promised_limit_days
        .as_ref()
        .map(|l| (l, "promised"))
        .or(power.legal_limit_days.as_ref().map(|l| (l, "legal")));
    if let Some((limit, which)) = limit {
        let (total, path) = walk.longest(&graph, &|s| {
            power.steps[s]
                .limit_days
                .as_ref()
                .map_or(0, |l| l.value.max(0))
        });
        if total > limit.value {
            let names: Vec<&str> = path
                .iter()
                .map(|&s| power.steps[s].name.value.as_str())
                .collect();
            diagnostics.push(
                source
                    .warning(
                        "steps-over-limit",
                        limit.span.clone(),
                        format!(
                            "the steps {} add up to {total} working days, more than the {which} limit of {} days",
                            names.join(" → "),
                            limit.value
                        ),
                    )
                    .with_help("shorten the steps' limit_days or correct the limit; readers rely on both"),
            );
        }
    }
}

fn names_contain(power: &PowerItem, name: &str) -> bool {
    power.steps.iter().any(|s| s.name.value == name)
}

/// A depth-first walk from the first step, in `next` order.
pub struct Walk {
    pub reached: Vec<bool>,
    /// Edges to a step still on the walk's path: what closes a loop.
    pub back_edges: BTreeSet<(usize, usize)>,
    /// The walk's path to each step when it was first reached.
    parent: Vec<Option<usize>>,
}

impl Walk {
    pub fn from_first(graph: &[Vec<(usize, Option<&str>)>]) -> Walk {
        let n = graph.len();
        let mut walk = Walk {
            reached: vec![false; n],
            back_edges: BTreeSet::new(),
            parent: vec![None; n],
        };
        if n == 0 {
            return walk;
        }
        let mut on_path = vec![false; n];
        // Iterative DFS: (node, index of the next successor to visit).
        let mut stack = vec![(0usize, 0usize)];
        walk.reached[0] = true;
        on_path[0] = true;
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            if let Some(&(to, _)) = graph[node].get(*next) {
                *next += 1;
                if on_path[to] {
                    walk.back_edges.insert((node, to));
                } else if !walk.reached[to] {
                    walk.reached[to] = true;
                    walk.parent[to] = Some(node);
                    on_path[to] = true;
                    stack.push((to, 0));
                }
            } else {
                on_path[node] = false;
                stack.pop();
            }
        }
        walk
    }

    /// The steps of the loop closed by the back edge `from → to`, from
    /// `to` to `from`.
    pub fn cycle(&self, from: usize, to: usize) -> Vec<usize> {
        let mut out = vec![from];
        let mut at = from;
        while at != to {
            match self.parent[at] {
                Some(p) => {
                    out.push(p);
                    at = p;
                }
                None => break,
            }
        }
        out.reverse();
        out
    }

    /// The heaviest path from the first step, back edges left out: its
    /// weight and steps.
    pub fn longest(
        &self,
        graph: &[Vec<(usize, Option<&str>)>],
        weight: &dyn Fn(usize) -> i64,
    ) -> (i64, Vec<usize>) {
        let n = graph.len();
        if n == 0 {
            return (0, Vec::new());
        }
        // best[s] = heaviest path starting at s; computed after successors.
        let mut best: Vec<Option<(i64, Option<usize>)>> = vec![None; n];
        for s in self.post_order(graph) {
            let mut choice = (weight(s), None);
            for &(t, _) in &graph[s] {
                if self.back_edges.contains(&(s, t)) {
                    continue;
                }
                if let Some((w, _)) = best[t]
                    && weight(s) + w > choice.0
                {
                    choice = (weight(s) + w, Some(t));
                }
            }
            best[s] = Some(choice);
        }
        let mut path = vec![0];
        let mut at = 0;
        while let Some((_, Some(t))) = best[at] {
            path.push(t);
            at = t;
        }
        (best[0].map_or(0, |b| b.0), path)
    }

    /// Reached steps, each after all the steps it leads to (back edges
    /// left out); later branches are walked first.
    pub fn post_order(&self, graph: &[Vec<(usize, Option<&str>)>]) -> Vec<usize> {
        let n = graph.len();
        let mut done = vec![false; n];
        let mut out = Vec::new();
        let mut stack = vec![(0usize, 0usize)];
        let mut seen = vec![false; n];
        seen[0] = true;
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            // Later branches first: in the reverse of this order (a
            // topological order) the first branch's steps come first, so
            // the flowchart keeps a join in the first branch's column.
            let forward: Vec<usize> = graph[node]
                .iter()
                .rev()
                .map(|&(t, _)| t)
                .filter(|&t| !self.back_edges.contains(&(node, t)))
                .collect();
            if let Some(&to) = forward.get(*next) {
                *next += 1;
                if !seen[to] {
                    seen[to] = true;
                    stack.push((to, 0));
                }
            } else {
                done[node] = true;
                out.push(node);
                stack.pop();
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_that_escape_are_rejected() {
        assert!(is_valid_code("530100-XK-001"));
        assert!(is_valid_code("XK00001.001"));
        assert!(!is_valid_code(".."));
        assert!(!is_valid_code("a/b"));
        assert!(!is_valid_code("许可-1"));
        assert!(!is_valid_code(""));
    }

    #[test]
    fn a_loop_through_a_decision_is_a_back_edge_and_paths_skip_it() {
        // 0 受理 → 1 决策 → {2 审查, 3 补正}; 3 → 0; 2 → 4 决定.
        let graph: Vec<Vec<(usize, Option<&str>)>> = vec![
            vec![(1, None)],
            vec![(2, Some("齐全")), (3, Some("不全"))],
            vec![(4, None)],
            vec![(0, None)],
            vec![],
        ];
        let walk = Walk::from_first(&graph);
        assert!(walk.reached.iter().all(|r| *r));
        assert_eq!(walk.back_edges, BTreeSet::from([(3, 0)]));
        assert_eq!(walk.cycle(3, 0), vec![0, 1, 3]);
        let w = [1, 0, 10, 7, 3];
        let (total, path) = walk.longest(&graph, &|s| w[s]);
        assert_eq!((total, path), (14, vec![0, 1, 2, 4]));
    }
}
