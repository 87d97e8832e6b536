//! Site configuration: `ladder.toml` at the site root (optional; defaults apply).
//!
//! ```toml
//! title = "Acme Career Handbook"        # shown in the header and <title>
//! base_url = "https://group.gitlab.io/handbook/"   # may carry a sub-path; default "/"
//! theme = "default"                     # templates from themes/<theme>/templates/ override the built-in theme
//!
//! [links]
//! internal_hosts = ["about.gitlab.com"] # absolute links to these hosts are checked as internal
//! known_paths = "site-paths.txt"        # URL paths that exist beside this site, one per line
//!
//! [rules]
//! heading-skip = "off"                  # error | warning | info | off
//!
//! [security]
//! sanitize_html = true                  # clean raw HTML in pages (ammonia); default false
//! ```
//! Unknown keys are an error (a typo should not silently do nothing). Relative paths
//! are relative to the directory of the config file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Rule, Severity};
use crate::error::{Error, Result};
use crate::model::scale::{ScaleConfig, Scales};

/// The parsed `ladder.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Site title; default `"Handbook"`.
    pub title: String,
    /// Base URL the site is served under: `/`, `/handbook/`, or absolute
    /// (`https://group.gitlab.io/handbook/`). Its path is prefixed exactly once to every
    /// root-relative link and asset; its host makes absolute links to it internal.
    pub base_url: String,
    /// Theme name; templates in `themes/<theme>/templates/` override the built-in ones.
    pub theme: String,
    /// Link checking settings.
    pub links: LinksConfig,
    /// Per-rule severity overrides, keyed by rule code.
    pub rules: BTreeMap<String, RuleLevel>,
    /// The grade scale (see [`crate::model::scale`]); GitLab's by default.
    pub grades: ScaleConfig,
    /// Job-family settings.
    pub families: FamiliesConfig,
    /// Security settings.
    pub security: SecurityConfig,
}

/// `[security]` in `ladder.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityConfig {
    /// Clean each page's HTML with ammonia (a whitelist sanitizer): scripts, event
    /// handlers, `<iframe>`, `<style>` and unsafe URL schemes go; ids, classes and the
    /// usual formatting, tables, links and images stay. Off by default: handbooks rely on
    /// raw HTML (`<a id>`, embedded videos) and their authors are trusted.
    pub sanitize_html: bool,
}

/// `[families]` in `ladder.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FamiliesConfig {
    /// Sections every job family should have (`section-missing`); `A|B` accepts either.
    /// A heading counts when its words include the section's words, up to a plural `s`
    /// ("Senior X Responsibilities" counts as "Responsibilities", "Performance Indicator"
    /// as "Performance Indicators"). Default: GitLab's template.
    pub sections: Vec<String>,
}

impl Default for FamiliesConfig {
    fn default() -> Self {
        FamiliesConfig {
            sections: [
                "Responsibilities",
                "Requirements",
                "Levels|Job Grade",
                "Performance Indicators|KPIs",
                "Hiring Process|Interview Process",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Handbook".to_string(),
            base_url: "/".to_string(),
            theme: "default".to_string(),
            links: LinksConfig::default(),
            rules: BTreeMap::new(),
            grades: ScaleConfig::default(),
            families: FamiliesConfig::default(),
            security: SecurityConfig::default(),
        }
    }
}

/// `[links]` in `ladder.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinksConfig {
    /// Hosts whose absolute `http(s)` links are checked like root-relative links,
    /// e.g. `about.gitlab.com` for a handbook migrated from there.
    pub internal_hosts: Vec<String>,
    /// A file of URL paths that exist beside this site (one per line, `#` comments),
    /// against which root-relative links outside the site's own tree are checked.
    pub known_paths: Option<PathBuf>,
}

/// A severity override for one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    /// Report as an error.
    Error,
    /// Report as a warning.
    Warning,
    /// Report as info.
    Info,
    /// Do not report.
    Off,
}

impl Config {
    /// Reads `path`; `Ok(None)` when it does not exist. Relative paths inside it are made
    /// relative to its directory.
    ///
    /// Errors: [`Error::Io`] if it exists but cannot be read; [`Error::Config`] naming the
    /// file, with the TOML line and column, if it is invalid or names an unknown rule.
    pub fn load(path: &Path) -> Result<Option<Config>> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io("cannot read config", path, e)),
        };
        let mut config = Config::parse(&text).map_err(|message| Error::Config {
            path: path.to_path_buf(),
            message,
        })?;
        if let (Some(known), Some(dir)) = (&config.links.known_paths, path.parent()) {
            config.links.known_paths = Some(dir.join(known));
        }
        Ok(Some(config))
    }

    /// Parses config text; `Err(message)` with TOML's position, or naming an unknown rule.
    pub fn parse(text: &str) -> std::result::Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string().trim().to_string())?;
        for code in config.rules.keys() {
            if Rule::from_code(code).is_none() {
                let known: Vec<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
                return Err(format!(
                    "unknown rule `{code}` in [rules]; known rules: {}",
                    known.join(", ")
                ));
            }
        }
        Scales::from_config(&config.grades).map_err(|e| format!("[grades]: {e}"))?;
        // The theme is a folder name under `themes/`: nothing it says may lead elsewhere.
        let theme = &config.theme;
        let plain =
            !theme.is_empty() && !theme.starts_with('.') && !theme.contains(['/', '\\', ':', '\0']);
        if !plain {
            return Err(format!(
                "theme `{theme}` is not a folder name: use the name of a folder in `themes/`, such as \"default\""
            ));
        }
        Ok(config)
    }

    /// The severity `rule` reports with, or `None` when it is turned off.
    pub fn severity(&self, rule: Rule, default: Severity) -> Option<Severity> {
        match self.rules.get(rule.code()) {
            None => Some(default),
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::Error) => Some(Severity::Error),
            Some(RuleLevel::Warning) => Some(Severity::Warning),
            Some(RuleLevel::Info) => Some(Severity::Info),
        }
    }

    /// The base URL's path, without a trailing slash: `""` for `/` or
    /// `https://host/`, `"/handbook"` for `https://host/handbook/`.
    pub fn base_path(&self) -> String {
        base_path_of(&self.base_url)
    }

    /// The base URL's host, lowercased, if it is absolute.
    pub fn base_host(&self) -> Option<String> {
        split_url(&self.base_url).map(|(host, _)| host.to_ascii_lowercase())
    }
}

/// Splits an absolute `http(s)://host[:port]/path` URL into host (with port) and path
/// (`/` when empty). `None` for anything else.
pub fn split_url(url: &str) -> Option<(&str, &str)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .or_else(|| url.strip_prefix("HTTPS://"))
        .or_else(|| url.strip_prefix("HTTP://"))?;
    Some(split_authority(rest))
}

/// Splits what follows `scheme://` in a URL into host (with port, without user info)
/// and path (`/` when empty, or when a query or fragment follows the host directly).
pub(crate) fn split_authority(rest: &str) -> (&str, &str) {
    let (host, path) = match memchr::memchr3(b'/', b'?', b'#', rest.as_bytes()) {
        Some(i) if rest.as_bytes()[i] == b'/' => (&rest[..i], &rest[i..]),
        Some(i) => (&rest[..i], "/"),
        None => (rest, "/"),
    };
    // The user info ends at the host's last `@`.
    let host = match memchr::memrchr(b'@', host.as_bytes()) {
        Some(i) => &host[i + 1..],
        None => host,
    };
    (host, path)
}

fn base_path_of(base_url: &str) -> String {
    let path = match split_url(base_url) {
        Some((_, path)) => path,
        None => base_url,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("/{trimmed}")
    }
}

/// Checks a `--base-url` value: `/`, `/sub/path/`, or an absolute http(s) URL.
pub fn validate_base_url(url: &str) -> std::result::Result<(), String> {
    if url.starts_with('/') || split_url(url).is_some_and(|(host, _)| !host.is_empty()) {
        if url.contains(char::is_whitespace) {
            return Err(format!("base URL `{url}` contains white space"));
        }
        Ok(())
    } else {
        Err(format!(
            "base URL `{url}` must be an absolute http(s) URL or a path starting with `/`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_to_an_empty_file() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.title, "Handbook");
        assert_eq!(c.base_path(), "");
        assert_eq!(
            c.severity(Rule::HeadingSkip, Severity::Warning),
            Some(Severity::Warning)
        );
    }

    #[test]
    fn a_theme_is_a_folder_name_never_a_path() {
        assert_eq!(Config::parse("theme = \"acme-2\"").unwrap().theme, "acme-2");
        for bad in [
            "../../etc",
            "/etc",
            "a/b",
            "..",
            ".hidden",
            "",
            "c:\\x",
            "a\\b",
        ] {
            let text = format!("theme = {}", toml::Value::String(bad.to_string()));
            let err = Config::parse(&text).unwrap_err();
            assert!(err.contains("is not a folder name"), "{bad}: {err}");
        }
    }

    #[test]
    fn base_path_from_sub_path_url() {
        let mut c = Config::default();
        for (url, path) in [
            ("https://group.gitlab.io/handbook/", "/handbook"),
            ("https://group.gitlab.io/handbook", "/handbook"),
            ("https://project-1.gitlab.io/", ""),
            ("https://project-1.gitlab.io", ""),
            ("/", ""),
            ("/a/b/", "/a/b"),
        ] {
            c.base_url = url.to_string();
            assert_eq!(c.base_path(), path, "{url}");
        }
        c.base_url = "https://Group.GitLab.io:8443/x/".into();
        assert_eq!(c.base_host().as_deref(), Some("group.gitlab.io:8443"));
    }

    #[test]
    fn rule_overrides_and_unknown_rules() {
        let c =
            Config::parse("[rules]\nheading-skip = \"off\"\nbroken-link = \"warning\"\n").unwrap();
        assert_eq!(c.severity(Rule::HeadingSkip, Severity::Warning), None);
        assert_eq!(
            c.severity(Rule::BrokenLink, Severity::Error),
            Some(Severity::Warning)
        );
        let err = Config::parse("[rules]\nbroken-links = \"off\"\n").unwrap_err();
        assert!(err.contains("unknown rule `broken-links`"), "{err}");
        let err = Config::parse("titel = \"x\"\n").unwrap_err();
        assert!(err.contains("titel"), "{err}");
    }

    #[test]
    fn base_url_validation() {
        assert!(validate_base_url("https://a.gitlab.io/x/").is_ok());
        assert!(validate_base_url("/x/").is_ok());
        assert!(validate_base_url("a.gitlab.io").is_err());
        assert!(validate_base_url("https://").is_err());
    }
}
