//! 权力清单 pages: one page per power (with its 流程图), its source and
//! snapshot, and the power catalogs of the site and of each department,
//! grouped by 职权类型.

use serde::Serialize;

use crate::model::{Language, PowerItem, Validity};
use crate::sink::Sink;
use crate::validate::Power;

use super::DocumentPages;
use super::flowchart::{self, FlowLabels};
use super::urls;
use super::views::Link;
use super::{RenderError, Renderer};

#[derive(Serialize)]
struct PowerView {
    code: String,
    name: String,
    category: String,
    validity: &'static str,
    validity_label: String,
    retired_on: Option<crate::model::Date>,
    retired_reason: Option<String>,
    department: Link,
    basis: Vec<String>,
    subject: Option<String>,
    office: Option<String>,
    legal_limit_days: Option<i64>,
    promised_limit_days: Option<i64>,
    fee: Option<String>,
    materials: Vec<String>,
    responsibilities: Vec<String>,
    accountability: Vec<String>,
    supervision: Option<String>,
    steps: Vec<StepView>,
    /// The inline `<svg>` of the 流程图.
    flowchart: String,
    /// When the power's file was deleted (current page only).
    removed: Option<crate::model::Date>,
    /// The deleting commit's message.
    removed_message: Option<String>,
}

#[derive(Serialize)]
struct StepView {
    number: usize,
    name: String,
    actor: Option<String>,
    limit_days: Option<i64>,
    description: Option<String>,
    question: Option<String>,
    /// Where the flow goes next; empty: the flow ends here.
    next: Vec<NextView>,
}

#[derive(Serialize)]
struct NextView {
    number: usize,
    name: String,
    when: Option<String>,
}

#[derive(Serialize)]
pub(super) struct PowerSummary {
    code: String,
    name: String,
    url: String,
    department: String,
    /// The power's content language (its department's).
    lang: Language,
    validity: &'static str,
    validity_label: String,
    promised_limit_days: Option<i64>,
    legal_limit_days: Option<i64>,
}

#[derive(Serialize)]
struct PowerGroup {
    category: String,
    /// Fragment id of the group's heading.
    id: String,
    count: usize,
    powers: Vec<PowerSummary>,
}

impl Renderer<'_> {
    fn power_language(&self, power: &Power) -> Language {
        self.lookup.content_language(&power.doc.department)
    }

    /// A string of the `[power]` table of the interface strings.
    fn power_string(&self, lang: Language, key: &str) -> String {
        self.string(lang, &format!("power.{key}"))
    }

    /// The `[validity]` label (有效, 已废止, …).
    fn validity_label(&self, lang: Language, key: &str) -> String {
        self.string(lang, &format!("validity.{key}"))
    }

    /// The view of one revision `p` of `power` (its current file when `p`
    /// is `power.doc`): validity from that revision's own status.
    fn power_view(&self, power: &Power, p: &PowerItem, current: bool, lang: Language) -> PowerView {
        let u = self.urls();
        let (validity, retired_on) = if current {
            (power.state(), power.retired_on)
        } else {
            let validity = Validity::of_status(p.status);
            let retired_on = p
                .retired
                .as_ref()
                .map(|r| r.value)
                .filter(|_| validity.is_retired());
            (validity.key(), retired_on)
        };
        let names: Vec<&str> = p.steps.iter().map(|s| s.name.value.as_str()).collect();
        let steps = p
            .successors()
            .into_iter()
            .zip(&p.steps)
            .enumerate()
            .map(|(i, (next, step))| StepView {
                number: i + 1,
                name: step.name.value.clone(),
                actor: step.actor.as_ref().map(|a| a.value.clone()),
                limit_days: step.limit_days.as_ref().map(|l| l.value),
                description: step.description.clone(),
                question: step.question.clone(),
                next: next
                    .into_iter()
                    .map(|(j, when)| NextView {
                        number: j + 1,
                        name: names[j].to_string(),
                        when: when.map(str::to_string),
                    })
                    .collect(),
            })
            .collect();
        let title = self.power_string(lang, "flowchart_title");
        let limit = self.power_string(lang, "days");
        let removed = power.removed.as_ref().filter(|_| current);
        PowerView {
            code: p.code.value.clone(),
            name: p.name.clone(),
            category: p.category.value.clone(),
            validity,
            validity_label: self.validity_label(lang, validity),
            retired_on,
            retired_reason: p.retired_reason.clone(),
            department: Link {
                title: self.lookup.department_name(&p.department),
                url: u.href(&urls::department(&p.department)),
            },
            basis: p.basis.iter().map(|b| b.value.clone()).collect(),
            subject: p.subject.clone(),
            office: p.office.clone(),
            legal_limit_days: p.legal_limit_days.as_ref().map(|l| l.value),
            promised_limit_days: p.promised_limit_days.as_ref().map(|l| l.value),
            fee: p.fee.clone(),
            materials: p.materials.clone(),
            responsibilities: p.responsibilities.clone(),
            accountability: p.accountability.clone(),
            supervision: p.supervision.clone(),
            steps,
            flowchart: flowchart::svg(
                p,
                &FlowLabels {
                    title: &title,
                    limit: &limit,
                },
            ),
            removed: removed.map(|r| r.date),
            removed_message: removed.and_then(|r| self.lookup.removal_reason(r, lang)),
        }
    }

    pub(super) fn power_summary(&self, power: &Power, lang: Language) -> PowerSummary {
        let p = &power.doc;
        PowerSummary {
            code: power.id().to_string(),
            name: p.name.clone(),
            url: self.urls().href(&urls::power(power.id())),
            department: self.lookup.department_name(&p.department),
            lang: self.power_language(power),
            validity: power.state(),
            validity_label: self.validity_label(lang, power.state()),
            promised_limit_days: p.promised_limit_days.as_ref().map(|l| l.value),
            legal_limit_days: p.legal_limit_days.as_ref().map(|l| l.value),
        }
    }

    /// The power's page with its list of revisions, and the snapshot page
    /// and exact source of every published revision.
    pub(super) fn write_power(
        &self,
        planned: &DocumentPages<PowerItem>,
        sink: &dyn Sink,
    ) -> Result<(), RenderError> {
        let power = planned.doc;
        let p = &power.doc;
        let lang = self.power_language(power);
        let rel = urls::power(power.id());
        let revisions = self.revision_views(power, lang);
        let crumbs = vec![
            self.crumb(&self.string(lang, "home"), ""),
            self.crumb(&self.power_string(lang, "title"), urls::POWERS),
        ];
        let u = self.urls();
        let archived = super::timemap::document(power);
        let timemap = archived.as_ref().map(|a| u.absolute(&a.timemap));
        let mut meta = self.meta(p.name.clone(), &rel, crumbs.clone());
        meta.timemap = timemap.clone();
        let mut ctx = self.context(lang, meta);
        ctx.insert("power", &self.power_view(power, p, true, lang));
        ctx.insert("snapshot", &false);
        ctx.insert("revisions", &revisions);
        ctx.insert("revision_count", &revisions.len());
        if let Some(current) = &planned.current {
            sink.write(
                &urls::file_of(current),
                &self.render(lang, "power.html", &ctx)?,
            )?;
        }
        self.write_revisions(planned, &revisions, sink, |rp, snapshot| {
            let rlang = self.lookup.content_language(&rp.department);
            let mut meta = self.meta(rp.name.clone(), &rel, crumbs.clone());
            meta.noindex = true;
            meta.timemap = timemap.clone();
            meta.original = archived.as_ref().map(|a| u.absolute(&a.original));
            let mut ctx = self.context(rlang, meta);
            ctx.insert("power", &self.power_view(power, rp, false, rlang));
            ctx.insert("snapshot", &snapshot);
            self.render(rlang, "power.html", &ctx)
        })
    }

    /// A power catalog: the site's (`department` = `None`) or one
    /// department's, grouped by 职权类型 in the vocabulary's order.
    pub(super) fn render_power_catalog(
        &self,
        rel: &str,
        department: Option<&str>,
    ) -> Result<Vec<u8>, RenderError> {
        let site = self.site();
        let lang = match department {
            Some(slug) => self.lookup.content_language(slug),
            None => site.config.language,
        };
        let powers: Vec<&Power> = site
            .powers
            .iter()
            .filter(|p| department.is_none_or(|d| p.doc.department == d))
            .collect();
        let mut groups: Vec<PowerGroup> = Vec::new();
        let mut categories: Vec<&str> = site
            .config
            .power_categories
            .iter()
            .map(String::as_str)
            .collect();
        // A category dropped from the vocabulary after a preview build.
        for p in &powers {
            if !categories.contains(&p.doc.category.value.as_str()) {
                categories.push(&p.doc.category.value);
            }
        }
        for (n, category) in categories.iter().enumerate() {
            let members: Vec<PowerSummary> = powers
                .iter()
                .filter(|p| !p.is_retired() && p.doc.category.value == *category)
                .map(|p| self.power_summary(p, lang))
                .collect();
            if !members.is_empty() {
                groups.push(PowerGroup {
                    category: category.to_string(),
                    id: format!("category-{}", n + 1),
                    count: members.len(),
                    powers: members,
                });
            }
        }
        let retired: Vec<PowerSummary> = powers
            .iter()
            .filter(|p| p.is_retired())
            .map(|p| self.power_summary(p, lang))
            .collect();
        let mut crumbs = vec![self.crumb(&self.string(lang, "home"), "")];
        let title = match department {
            Some(slug) => {
                let name = self.lookup.department_name(slug);
                crumbs.push(self.crumb(&name, &urls::department(slug)));
                self.power_string(lang, "of_department")
                    .replace("{name}", &name)
            }
            None => self.power_string(lang, "title"),
        };
        let mut ctx = self.context(lang, self.meta(title, rel, crumbs));
        ctx.insert("groups", &groups);
        ctx.insert("retired", &retired);
        ctx.insert(
            "current_count",
            &powers.iter().filter(|p| !p.is_retired()).count(),
        );
        ctx.insert("show_department", &department.is_none());
        ctx.insert(
            "site_powers_url",
            &department.map(|_| self.urls().href(urls::POWERS)),
        );
        self.render(lang, "powers.html", &ctx)
    }
}
