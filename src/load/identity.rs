//! The identity every 政府网站 shows in its footer (`site.toml`): 网站标识码,
//! ICP备案号, 公安机关备案号, 主办/承办 units, the 党政机关网站 mark, the
//! 我为政府网站找错 link and a contact line. All optional; each is checked
//! where it is written.

use crate::diagnostics::SourceFile;
use crate::model::SiteIdentity;

use super::fields::Fields;

/// The 公安机关 filing site; `recordcode` is the 14-digit number.
const POLICE_FILING_URL: &str = "https://www.beian.gov.cn/portal/registerSystemInfo?recordcode=";
/// The national 我为政府网站找错 platform, used when the site names no own
/// link but has a 网站标识码 (the platform finds a site by it).
pub const ERROR_REPORT_URL: &str = "https://zfwzzc.www.gov.cn/";

pub fn read(f: &mut Fields, source: &SourceFile) -> SiteIdentity {
    let mut identity = SiteIdentity::default();
    if let Some(code) = f.string("site_code") {
        if site_code_ok(&code.value) {
            identity.site_code = Some(code.value);
        } else {
            bad(
                f,
                source,
                "bad-site-code",
                code.span,
                format!("`site_code` \"{}\" is not a 网站标识码", code.value),
                "a 网站标识码 is 10 characters: the 6-digit area code and 4 digits (site_code = \"5300000030\"), or bm and 8 digits for a State Council department (\"bm07000001\"); copy it from the 全国政府网站基本信息数据库",
            );
        }
    }
    if let Some(icp) = f.string("icp") {
        if icp_ok(&icp.value) {
            identity.icp = Some(icp.value);
        } else {
            bad(
                f,
                source,
                "bad-icp",
                icp.span,
                format!("`icp` \"{}\" is not an ICP备案号", icp.value),
                "write it as the MIIT filing shows it: the province's character, ICP备, the digits and 号, optionally -N for the site: icp = \"滇ICP备05000001号\" or \"滇ICP备05000001号-2\"",
            );
        }
    }
    if let Some(filing) = f.string("police_filing") {
        match police_number(&filing.value) {
            Some(number) => {
                identity.police_filing = Some(filing.value.clone());
                identity.police_filing_url = Some(format!("{POLICE_FILING_URL}{number}"));
            }
            None => bad(
                f,
                source,
                "bad-police-filing",
                filing.span,
                format!(
                    "`police_filing` \"{}\" is not a 公安机关备案号",
                    filing.value
                ),
                "write the province's character, 公网安备, the 14-digit number and 号: police_filing = \"滇公网安备 53010202000001号\"",
            ),
        }
    }
    for (key, slot) in [
        ("sponsor", &mut identity.sponsor),
        ("operator", &mut identity.operator),
        ("contact", &mut identity.contact),
    ] {
        *slot = f
            .string(key)
            .map(|s| s.value.trim().to_string())
            .filter(|s| !s.is_empty());
    }
    for key in ["conac_url", "error_report_url"] {
        let Some(url) = f.string(key) else {
            continue;
        };
        if url.value.starts_with("https://") || url.value.starts_with("http://") {
            if key == "conac_url" {
                identity.conac_url = Some(url.value);
            } else {
                identity.error_report_url = Some(url.value);
            }
        } else {
            bad(
                f,
                source,
                "bad-url",
                url.span,
                format!("`{key}` must be a full http(s) address"),
                "copy the address the issuing platform gave, e.g. conac_url = \"https://bszs.conac.cn/sitename?method=show&id=…\"",
            );
        }
    }
    if identity.error_report_url.is_none() && identity.site_code.is_some() {
        identity.error_report_url = Some(ERROR_REPORT_URL.to_string());
    }
    identity
}

fn bad(
    f: &mut Fields,
    source: &SourceFile,
    code: &'static str,
    span: std::ops::Range<usize>,
    message: String,
    help: &str,
) {
    f.diagnostics.push(
        source
            .error(code, span, message)
            .with_help(help.to_string()),
    );
}

/// 10 characters: a 6-digit area code and a 4-digit number, or `bm` and 8
/// digits for the departments of the State Council.
fn site_code_ok(s: &str) -> bool {
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    (s.len() == 10 && digits(s)) || (s.len() == 10 && s.starts_with("bm") && digits(&s[2..]))
}

fn icp_ok(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(province) = chars.next() else {
        return false;
    };
    let rest = chars.as_str();
    let Some(rest) = rest.strip_prefix("ICP备") else {
        return false;
    };
    let (number, site) = match rest.split_once('号') {
        Some(parts) => parts,
        None => return false,
    };
    is_han(province)
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
        && (site.is_empty()
            || site
                .strip_prefix('-')
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())))
}

/// The 14-digit number of a 公安机关备案号, or `None` when it is not one.
fn police_number(s: &str) -> Option<&str> {
    let mut chars = s.chars();
    let province = chars.next()?;
    let rest = chars.as_str().strip_prefix("公网安备")?.trim_start();
    let number = rest.strip_suffix('号')?;
    (is_han(province) && number.len() == 14 && number.bytes().all(|b| b.is_ascii_digit()))
        .then_some(number)
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(site_code_ok("5300000030"));
        assert!(site_code_ok("bm07000001"));
        assert!(!site_code_ok("530000003"));
        assert!(!site_code_ok("bx07000001"));
        assert!(icp_ok("滇ICP备05000001号"));
        assert!(icp_ok("辽ICP备17012156号-2"));
        assert!(!icp_ok("ICP备05000001号"));
        assert!(!icp_ok("滇ICP备号"));
        assert!(!icp_ok("滇ICP备05000001"));
        assert_eq!(
            police_number("滇公网安备 53010202000001号"),
            Some("53010202000001")
        );
        assert_eq!(
            police_number("京公网安备11000002000001号"),
            Some("11000002000001")
        );
        assert_eq!(police_number("滇公网安备 5301020200000号"), None);
    }
}
