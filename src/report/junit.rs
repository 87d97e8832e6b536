//! JUnit XML report (`--format junit`, `--report junit=FILE`), written with quick-junit:
//! one `<testsuite>` per file, one failing `<testcase>` per error or warning (info is left
//! out) with `classname` and `file` set to the path (relative to the repository root) and
//! `line`; one passing testcase when there is nothing to report, so CI always shows a
//! result. Test names hold the rule and the offending value (not the line), so GitLab's
//! "newly failed" comparison survives unrelated edits; repeats get `#2`, `#3`. No times or
//! timestamps.

use std::collections::BTreeMap;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::{Diagnostic, Severity};

/// The report for `diagnostics` (sorted); `path_prefix` makes paths repository-relative.
pub fn render(diagnostics: &[Diagnostic], path_prefix: &str) -> String {
    let mut report = Report::new("ladder");
    let mut suites: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in diagnostics.iter().filter(|d| d.severity != Severity::Info) {
        suites.entry(d.path.as_str()).or_default().push(d);
    }
    if suites.is_empty() {
        let mut suite = TestSuite::new("ladder");
        let mut case = TestCase::new("no findings", TestCaseStatus::success());
        case.set_classname("ladder");
        suite.add_test_case(case);
        report.add_test_suite(suite);
    }
    for (path, diags) in suites {
        let file = format!("{path_prefix}{path}");
        let mut suite = TestSuite::new(file.clone());
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        for d in diags {
            let key = d.identity();
            let base = format!("{}: {key}", d.rule.code());
            let n = names.entry(base.clone()).or_insert(0);
            *n += 1;
            let name = if *n == 1 {
                base
            } else {
                format!("{base} #{n}")
            };
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(d.message.clone());
            status.set_type(d.severity.as_str());
            status.set_description(format!(
                "{}[{}]: {}\n  --> {}:{}:{}\n  help: {}",
                d.severity,
                d.rule.code(),
                d.message,
                file,
                d.line,
                d.column,
                d.help
            ));
            let mut case = TestCase::new(name, status);
            case.set_classname(file.clone());
            case.extra.insert("file".into(), file.clone().into());
            case.extra.insert("line".into(), d.line.to_string().into());
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    report.to_string().unwrap_or_default()
}
