//! Property tests of the power loader, its checks and the flowchart
//! layout on arbitrary step graphs (forks, joins, loops, dead ends).

use std::collections::BTreeSet;

use gongkai::diagnostics::{Diagnostics, SourceFile};
use gongkai::load::power::load_power;
use gongkai::model::PowerItem;
use gongkai::render::flowchart::{self, FlowLabels};
use gongkai::validate::power::{Walk, check_powers};
use proptest::prelude::*;

/// `next` of one step: absent, or a list of (target, labelled?).
type Next = Option<Vec<(usize, bool)>>;

fn power_text(steps: &[Next]) -> String {
    let mut t = String::from(
        "code = \"P-1\"\nname = \"性质测试\"\ncategory = \"行政许可\"\nbasis = [\"《示例条例》第一条\"]\nsubject = \"示例机关\"\n",
    );
    for (i, next) in steps.iter().enumerate() {
        t.push_str(&format!(
            "\n[[steps]]\nname = \"步骤{i}\"\nactor = \"科室{i}\"\nlimit_days = {}\n",
            i % 4
        ));
        if let Some(next) = next {
            let entries: Vec<String> = next
                .iter()
                .map(|&(to, labelled)| {
                    let to = to % steps.len();
                    if labelled {
                        format!("{{ step = \"步骤{to}\", when = \"情形{to}\" }}")
                    } else {
                        format!("\"步骤{to}\"")
                    }
                })
                .collect();
            t.push_str(&format!("next = [{}]\n", entries.join(", ")));
        }
    }
    t
}

fn steps_strategy() -> impl Strategy<Value = Vec<Next>> {
    prop::collection::vec(
        prop::option::of(prop::collection::vec((0usize..8, any::<bool>()), 0..4)),
        1..8,
    )
}

fn load(text: &str) -> PowerItem {
    let mut d = Diagnostics::default();
    let power = load_power(
        SourceFile::new("content/a/powers/p.toml", text),
        "a",
        &mut d,
    )
    .expect("valid TOML");
    assert!(!d.has_errors(), "{text}\n{d:?}");
    power
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_flow_loads_checks_and_draws(steps in steps_strategy()) {
        let text = power_text(&steps);
        let power = load(&text);
        prop_assert_eq!(power.steps.len(), steps.len());

        // The checks never panic, whatever the graph.
        let mut d = Diagnostics::default();
        check_powers(std::slice::from_ref(&power), None, &mut d);

        let graph = power.successors();
        let walk = Walk::from_first(&graph);
        let layout = flowchart::layout(&power);
        prop_assert_eq!(layout.row.len(), steps.len());
        // Reached steps: no two in one place; arrows that are not loops go down.
        let mut places = BTreeSet::new();
        for i in (0..steps.len()).filter(|&i| walk.reached[i]) {
            prop_assert!(places.insert((layout.row[i], layout.column[i])), "two steps at one place: {text}");
        }
        for e in &layout.edges {
            if walk.reached[e.from] && !e.back {
                prop_assert!(layout.row[e.to] > layout.row[e.from], "{text}");
            }
        }

        let svg = flowchart::svg(&power, &FlowLabels { title: "{name}流程图", limit: "{n}个工作日" });
        let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
        let boxes = doc.descendants().filter(|n| n.attribute("class") == Some("step")).count();
        prop_assert_eq!(boxes, steps.len());
        let arrows = doc.descendants().filter(|n| n.attribute("class") == Some("edge")).count();
        prop_assert_eq!(arrows, layout.edges.len());
        // Drawn the same way twice.
        prop_assert_eq!(svg, flowchart::svg(&power, &FlowLabels { title: "{name}流程图", limit: "{n}个工作日" }));
    }
}
