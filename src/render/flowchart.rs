//! A power's 流程图 as inline SVG, drawn at build time from its steps.
//!
//! Layout (deterministic, no external renderer, no script):
//! - **Rows**: each step sits in the row of its longest path from the
//!   first step (loops left out), top to bottom.
//! - **Columns**: the first step is in column 0; a step's first way out
//!   stays in its column and every further branch opens a new column, so
//!   each branch reads straight down. Steps of one column never share a row.
//! - **Boxes** show the step's name (bold), actor and time limit, CJK text
//!   wrapped by character count (a Latin letter counts half).
//! - A step with two or more ways out gets a **decision diamond** below
//!   its box (with its `question`), and one arrow per branch leaves a
//!   different corner of the diamond (bottom, right, left), labelled with
//!   the branch's `when`.
//! - **Arrows** run down (then across in the gap below a row, then down);
//!   a loop back to an earlier step (补正 → 受理) runs in a lane to the
//!   right of the chart and enters the target from the right.
//!
//! The SVG scales with `viewBox` and `width="100%"`; its `<title>` names
//! the power, and the page repeats the steps as an ordered list.

use std::fmt::Write as _;

use crate::model::PowerItem;
use crate::text::escape;
use crate::validate::power::Walk;

const MARGIN: i64 = 16;
const BOX_W: i64 = 156;
const GAP_X: i64 = 28;
const GAP_Y: i64 = 36;
const PAD: i64 = 10;
const NAME_LINE: i64 = 19;
const SMALL_LINE: i64 = 16;
/// Line lengths in CJK characters (15 px name, 13 px details).
const NAME_CHARS: f64 = 9.0;
const SMALL_CHARS: f64 = 11.0;
const DIAMOND_W: i64 = 140;
const DIAMOND_H: i64 = 60;
/// From a box's bottom to the top of its diamond.
const STEM: i64 = 22;
const LANE: i64 = 14;

/// Words drawn in the chart, in the page's language.
pub struct FlowLabels<'a> {
    /// `<title>` text; `{name}` is replaced by the power's name.
    pub title: &'a str,
    /// A step's limit; `{n}` is replaced by the number of working days.
    pub limit: &'a str,
}

/// One arrow of the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub label: Option<String>,
    /// Goes back to an earlier step (a loop).
    pub back: bool,
}

/// Where each step goes: rows, columns and arrows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub row: Vec<usize>,
    pub column: Vec<usize>,
    pub edges: Vec<Edge>,
}

/// Rows, columns and arrows of a power's steps.
pub fn layout(power: &PowerItem) -> Layout {
    let graph = power.successors();
    let n = graph.len();
    let walk = Walk::from_first(&graph);
    let mut order = walk.post_order(&graph);
    order.reverse(); // topological: every step before the steps it leads to
    // Steps not reached (only in a preview with errors) go last, in file order.
    for i in 0..n {
        if !order.contains(&i) {
            order.push(i);
        }
    }
    let mut row = vec![0usize; n];
    let mut column: Vec<Option<usize>> = vec![None; n];
    let mut next_column = 0;
    let mut placed_rows = 0;
    for &s in &order {
        let reached = walk.reached.get(s).copied().unwrap_or(false);
        if !reached {
            row[s] = placed_rows;
        }
        placed_rows = placed_rows.max(row[s] + 1);
        if column[s].is_none() {
            column[s] = Some(next_column);
            next_column += 1;
        }
        if !reached {
            // Its arrows are drawn as loops when they go up.
            continue;
        }
        let mut first = true;
        for &(t, _) in &graph[s] {
            if walk.back_edges.contains(&(s, t)) {
                continue;
            }
            row[t] = row[t].max(row[s] + 1);
            if column[t].is_none() {
                if first {
                    column[t] = column[s];
                } else {
                    column[t] = Some(next_column);
                    next_column += 1;
                }
            }
            first = false;
        }
    }
    let edges = graph
        .iter()
        .enumerate()
        .flat_map(|(s, targets)| {
            let (back, row) = (&walk.back_edges, &row);
            targets.iter().map(move |&(t, label)| Edge {
                from: s,
                to: t,
                label: label.map(str::to_string),
                back: back.contains(&(s, t)) || row[t] <= row[s],
            })
        })
        .collect();
    Layout {
        row,
        column: column.into_iter().map(|c| c.unwrap_or(0)).collect(),
        edges,
    }
}

/// Split `text` into lines of at most `width` CJK characters (a Latin
/// letter, digit or space counts half), breaking between characters.
pub fn wrap(text: &str, width: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0.0;
    for c in text.chars() {
        let w = if c.is_ascii() { 0.55 } else { 1.0 };
        // Closing punctuation never starts a line (禁则): it stays on the
        // line it closes, a little over the width.
        if used + w > width && !line.is_empty() && !"，。、；：？！）》」』”’,.;:?!)".contains(c)
        {
            lines.push(std::mem::take(&mut line));
            used = 0.0;
        }
        if line.is_empty() && c == ' ' {
            continue;
        }
        line.push(c);
        used += w;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

struct Node {
    name: Vec<String>,
    details: Vec<String>,
    height: i64,
    question: Vec<String>,
    decision: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Exit {
    Bottom,
    Right,
    Left,
}

/// The chart of `power`'s steps as an `<svg>` element.
pub fn svg(power: &PowerItem, labels: &FlowLabels) -> String {
    let lay = layout(power);
    let n = power.steps.len();
    let nodes: Vec<Node> = power
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let name = wrap(&step.name.value, NAME_CHARS);
            let mut details = Vec::new();
            if let Some(actor) = &step.actor {
                details.extend(wrap(&actor.value, SMALL_CHARS));
            }
            if let Some(limit) = &step.limit_days {
                details.push(labels.limit.replace("{n}", &limit.value.to_string()));
            }
            let height =
                PAD + name.len() as i64 * NAME_LINE + details.len() as i64 * SMALL_LINE + PAD - 4;
            let decision = lay.edges.iter().filter(|e| e.from == i).count() >= 2;
            Node {
                name,
                details,
                height,
                question: if decision {
                    step.question
                        .as_deref()
                        .map(|q| wrap(q, 6.0).into_iter().take(2).collect())
                        .unwrap_or_default()
                } else {
                    Vec::new()
                },
                decision,
            }
        })
        .collect();

    let rows = lay.row.iter().copied().max().map_or(0, |r| r + 1);
    let columns = lay.column.iter().copied().max().map_or(0, |c| c + 1) as i64;
    let mut row_box = vec![0i64; rows];
    let mut row_decision = vec![false; rows];
    for (i, node) in nodes.iter().enumerate() {
        row_box[lay.row[i]] = row_box[lay.row[i]].max(node.height);
        row_decision[lay.row[i]] |= node.decision;
    }
    let mut row_top = vec![0i64; rows];
    let mut y = MARGIN;
    for r in 0..rows {
        row_top[r] = y;
        y += row_box[r] + if row_decision[r] { STEM + DIAMOND_H } else { 0 } + GAP_Y;
    }
    let height = y - GAP_Y + MARGIN;
    let back_count = lay.edges.iter().filter(|e| e.back).count() as i64;
    let chart_right = MARGIN + columns * BOX_W + (columns - 1).max(0) * GAP_X;
    let width = chart_right + MARGIN + back_count * LANE + if back_count > 0 { 8 } else { 0 };

    let left = |i: usize| MARGIN + lay.column[i] as i64 * (BOX_W + GAP_X);
    let center = |i: usize| left(i) + BOX_W / 2;
    let top = |i: usize| row_top[lay.row[i]];
    let row_bottom =
        |r: usize| row_top[r] + row_box[r] + if row_decision[r] { STEM + DIAMOND_H } else { 0 };
    let diamond_center = |i: usize| {
        let r = lay.row[i];
        row_top[r] + row_box[r] + STEM + DIAMOND_H / 2
    };

    let mut out = String::with_capacity(4096);
    let title = labels.title.replace("{name}", &power.name);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"flowchart-svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-labelledby=\"flowchart-title\" font-family=\"sans-serif\">\n<title id=\"flowchart-title\">{}</title>\n",
        escape(&title)
    );
    out.push_str("<defs><marker id=\"flowchart-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#333\"/></marker></defs>\n");

    // Boxes and diamonds.
    for (i, node) in nodes.iter().enumerate() {
        let (x, y) = (left(i), top(i));
        let _ = writeln!(
            out,
            "<g class=\"step\"><rect x=\"{x}\" y=\"{y}\" width=\"{BOX_W}\" height=\"{}\" rx=\"6\" fill=\"#ffffff\" stroke=\"#0b4f9c\" stroke-width=\"2\"/>",
            node.height
        );
        let mut ty = y + PAD + 14;
        for line in &node.name {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{ty}\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\" fill=\"#1a1a1a\">{}</text>",
                center(i),
                escape(line)
            );
            ty += NAME_LINE;
        }
        for line in &node.details {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{ty}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#333333\">{}</text>",
                center(i),
                escape(line)
            );
            ty += SMALL_LINE;
        }
        out.push_str("</g>\n");
        if node.decision {
            let cx = center(i);
            let cy = diamond_center(i);
            let (hw, hh) = (DIAMOND_W / 2, DIAMOND_H / 2);
            let _ = writeln!(
                out,
                "<line x1=\"{cx}\" y1=\"{}\" x2=\"{cx}\" y2=\"{}\" stroke=\"#333\" stroke-width=\"1.5\"/>",
                y + node.height,
                cy - hh
            );
            let _ = writeln!(
                out,
                "<polygon class=\"decision\" points=\"{cx},{} {},{cy} {cx},{} {},{cy}\" fill=\"#fff8e1\" stroke=\"#7a4b00\" stroke-width=\"2\"/>",
                cy - hh,
                cx + hw,
                cy + hh,
                cx - hw
            );
            let lines = node.question.len() as i64;
            let mut qy = cy - (lines - 1) * 8 + 4;
            for line in &node.question {
                let _ = writeln!(
                    out,
                    "<text x=\"{cx}\" y=\"{qy}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#1a1a1a\">{}</text>",
                    escape(line)
                );
                qy += 16;
            }
        }
    }

    // Arrows.
    let mut lane = 0;
    for s in 0..n {
        let out_edges: Vec<&Edge> = lay.edges.iter().filter(|e| e.from == s).collect();
        let exits = assign_exits(&out_edges, &lay);
        for (edge, exit) in out_edges.iter().zip(exits) {
            let (sx, sy) = if nodes[s].decision {
                let (cx, cy) = (center(s), diamond_center(s));
                match exit {
                    Exit::Bottom => (cx, cy + DIAMOND_H / 2),
                    Exit::Right => (cx + DIAMOND_W / 2, cy),
                    Exit::Left => (cx - DIAMOND_W / 2, cy),
                }
            } else {
                (center(s), top(s) + nodes[s].height)
            };
            let t = edge.to;
            let mut d = format!("M{sx},{sy}");
            if edge.back {
                let lane_x = chart_right + 8 + lane * LANE;
                lane += 1;
                let ty = top(t) + nodes[t].height / 2;
                if exit == Exit::Bottom {
                    let _ = write!(d, " V{}", sy + 12);
                }
                let _ = write!(d, " H{lane_x} V{ty} H{}", left(t) + BOX_W);
            } else {
                let (tx, ty) = (center(t), top(t));
                match exit {
                    Exit::Bottom if sx == tx => {
                        let _ = write!(d, " V{ty}");
                    }
                    Exit::Bottom => {
                        let gap = row_bottom(lay.row[s]) + GAP_Y / 2;
                        let _ = write!(d, " V{gap} H{tx} V{ty}");
                    }
                    Exit::Right | Exit::Left => {
                        let _ = write!(d, " H{tx} V{ty}");
                    }
                }
            }
            let _ = writeln!(
                out,
                "<path class=\"edge\" d=\"{d}\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.5\" marker-end=\"url(#flowchart-arrow)\"/>"
            );
            if let Some(label) = &edge.label {
                let (lx, ly, anchor) = match exit {
                    Exit::Bottom => (sx + 6, sy + 15, "start"),
                    Exit::Right => (sx + 8, sy - 6, "start"),
                    Exit::Left => (sx - 8, sy - 6, "end"),
                };
                let _ = writeln!(
                    out,
                    "<text class=\"branch-label\" x=\"{lx}\" y=\"{ly}\" text-anchor=\"{anchor}\" font-size=\"12\" fill=\"#1a1a1a\">{}</text>",
                    escape(label)
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}

/// Which corner of a decision diamond each branch leaves from: a branch
/// that continues down its column takes the bottom, branches to other
/// columns the side they go to, loops the right; each corner once while
/// corners are free.
fn assign_exits(edges: &[&Edge], lay: &Layout) -> Vec<Exit> {
    if edges.len() < 2 {
        return vec![Exit::Bottom; edges.len()];
    }
    let mut free = vec![Exit::Bottom, Exit::Right, Exit::Left];
    let mut exits: Vec<Option<Exit>> = vec![None; edges.len()];
    let take = |want: &[Exit], free: &mut Vec<Exit>| -> Option<Exit> {
        let pick = want.iter().copied().find(|w| free.contains(w))?;
        free.retain(|f| *f != pick);
        Some(pick)
    };
    for (k, e) in edges.iter().enumerate() {
        if !e.back && lay.column[e.to] == lay.column[e.from] {
            exits[k] = take(&[Exit::Bottom], &mut free);
        }
    }
    for (k, e) in edges.iter().enumerate() {
        if exits[k].is_none() && !e.back {
            let want = if lay.column[e.to] >= lay.column[e.from] {
                [Exit::Right, Exit::Left, Exit::Bottom]
            } else {
                [Exit::Left, Exit::Right, Exit::Bottom]
            };
            exits[k] = take(&want, &mut free);
        }
    }
    for (k, e) in edges.iter().enumerate() {
        if exits[k].is_none() && e.back {
            exits[k] = take(&[Exit::Right, Exit::Bottom, Exit::Left], &mut free);
        }
    }
    exits
        .into_iter()
        .map(|e| e.unwrap_or(Exit::Bottom))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_cjk_by_characters_and_latin_by_half() {
        assert_eq!(
            wrap("申请材料齐全符合法定形式", 5.0),
            ["申请材料齐", "全符合法定", "形式"]
        );
        assert_eq!(wrap("ABCDEFGHIJ", 5.0), ["ABCDEFGHI", "J"]);
        assert!(wrap("", 5.0).is_empty());
        assert_eq!(wrap("材料是否齐全？", 6.0), ["材料是否齐全？"]);
    }
}
