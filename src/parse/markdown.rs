//! Markdown: a pulldown-cmark pass over a page body that extracts what validation needs
//! (headings and their ids, explicit anchors, links with spans), and a second one, when
//! the page is rendered, that renders the body HTML with those same heading ids, so a
//! checked `#fragment` is exactly a rendered `id`. Both stream the parser's events;
//! only a body with kramdown attribute lists is held as a list of events, to attach each
//! list to the block above it.
//!
//! Also handled here, because they must never leak into the HTML as text:
//! - ERB tags (`<%= partial(…) %>`) are left out, each an `unsupported-syntax` warning;
//! - kramdown attribute lists on their own line (`{:toc}`, `{:.no_toc}`, `{: .alert}`,
//!   `{: #id}`): `{:toc}` replaces the list above it with a table of contents,
//!   `.no_toc` keeps the heading above out of it, classes and ids are applied to the
//!   heading or paragraph above; what cannot be applied is dropped with a warning.
//!
//! Both are blanked out of the text before parsing (replaced by spaces, outside code),
//! which keeps every byte offset equal to the file's.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::diagnostic::{Diagnostic, Rule};
use crate::parse::html_scan;
use crate::slug::Slugger;
use crate::source::SourceFile;

/// A heading of the page body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    /// 1–6.
    pub level: u8,
    /// Plain text of the heading (inline markup removed).
    pub text: String,
    /// The id it is rendered with: explicit (`{#id}`, `{: #id}`) or its unique slug.
    pub id: String,
    /// Whether the id was written by the author rather than generated.
    pub explicit_id: bool,
    /// Byte span of the heading in the file.
    pub span: Range<usize>,
    /// False when marked `{:.no_toc}`.
    pub in_toc: bool,
}

/// Where an anchor (an element id a `#fragment` can name) comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AnchorSource {
    /// A heading's generated slug.
    Heading,
    /// An id the author wrote: `{#id}`, `{: #id}`, or `id=`/`name=` in raw HTML.
    Explicit,
    /// A footnote definition.
    Footnote,
}

/// An element id on the page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Anchor {
    /// The id, as rendered (case preserved); a boxed `str`, with no spare capacity.
    pub id: Box<str>,
    /// Byte span in the file of where it is defined.
    pub span: Range<usize>,
    /// What defines it.
    pub source: AnchorSource,
}

/// How a link was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LinkKind {
    /// `[text](dest)`, `[text][ref]`, or an autolink.
    Markdown,
    /// `![alt](src)`.
    Image,
    /// `href`/`src` in raw HTML.
    Html,
}

/// A link in the page body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    /// The destination as written (reference links resolved to their definition); a
    /// boxed `str`, so each of a site's many links carries no spare capacity.
    pub dest: Box<str>,
    /// Byte span in the file: the destination itself when it can be found in the link's
    /// text, else the whole link.
    pub span: Range<usize>,
    /// How it was written.
    pub kind: LinkKind,
}

/// An entry of the page's table of contents (headings h2–h4 not marked `no_toc`),
/// borrowed from its [`Heading`]: the theme's context serializes it, with no copy between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry<'a> {
    /// 2–4.
    pub level: u8,
    /// The heading's id.
    pub id: &'a str,
    /// The heading's plain text.
    pub title: &'a str,
}

/// An element id on the page as [`Markdown::anchors`] yields it: a heading's id or one
/// of [`Markdown::non_heading_anchors`], borrowed from the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnchorRef<'a> {
    /// The id, as rendered (case preserved).
    pub id: &'a str,
    /// Byte span in the file of where it is defined (a heading's: the heading).
    pub span: &'a Range<usize>,
    /// What defines it: a heading's is [`AnchorSource::Explicit`] when its id was
    /// written by the author, else [`AnchorSource::Heading`].
    pub source: AnchorSource,
}

impl<'a> AnchorRef<'a> {
    fn of_heading(h: &'a Heading) -> Self {
        AnchorRef {
            id: &h.id,
            span: &h.span,
            source: if h.explicit_id {
                AnchorSource::Explicit
            } else {
                AnchorSource::Heading
            },
        }
    }

    fn of(a: &'a Anchor) -> Self {
        AnchorRef {
            id: &a.id,
            span: &a.span,
            source: a.source,
        }
    }
}

/// What one Markdown body yields.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Markdown {
    /// Headings in document order.
    pub headings: Vec<Heading>,
    /// The ids on the page that are not a heading's (raw-HTML `id=`/`name=`, footnotes),
    /// in document order (by span start; at one start, raw-HTML ids before footnotes).
    /// Headings' ids are in [`Markdown::headings`] only: [`Markdown::anchors`] yields all.
    pub non_heading_anchors: Vec<Anchor>,
    /// Ids of kramdown attribute lists on paragraphs (`{: #id}` below a paragraph), in the
    /// order of the lists: [`Markdown::anchors`] yields them after all others.
    pub paragraph_anchors: Vec<Anchor>,
    /// Every link and image, in document order.
    pub links: Vec<Link>,
    /// The rendered body HTML (root-relative links carry the base path); empty from
    /// [`scan_body`].
    pub html: String,
}

impl Markdown {
    /// Every id on the page: headings', raw-HTML ids and footnotes in document order (by
    /// span start; at one start, raw-HTML ids, then the heading, then footnotes), then the
    /// ids of attribute lists on paragraphs. Made from [`Markdown::headings`] and the
    /// anchors kept apart from them, so a heading's id is not stored twice.
    pub fn anchors(&self) -> Anchors<'_> {
        Anchors {
            headings: &self.headings,
            others: &self.non_heading_anchors,
            paragraphs: &self.paragraph_anchors,
        }
    }

    /// Whether some element on the page has id `id` (any of [`Markdown::anchors`]).
    pub fn has_anchor(&self, id: &str) -> bool {
        // Each list on its own: whether an id is there does not depend on the order
        // `anchors` merges them in (which costs a comparison of spans per step).
        self.headings.iter().any(|h| h.id == id)
            || self.non_heading_anchors.iter().any(|a| &*a.id == id)
            || self.paragraph_anchors.iter().any(|a| &*a.id == id)
    }

    /// Table of contents for the theme: the headings h2–h4 not marked `no_toc`, in
    /// document order. Made on demand from [`Markdown::headings`], so pages do not
    /// carry a second copy of their headings.
    pub fn toc(&self) -> Vec<TocEntry<'_>> {
        toc_entries(&self.headings)
    }
}

/// The iterator of [`Markdown::anchors`]: merges the headings with the other anchors by
/// span start, then yields the paragraphs' ids.
#[derive(Debug, Clone)]
pub struct Anchors<'a> {
    /// Headings not yet yielded, in document order.
    headings: &'a [Heading],
    /// Non-heading anchors not yet yielded, in document order.
    others: &'a [Anchor],
    /// Paragraphs' ids not yet yielded.
    paragraphs: &'a [Anchor],
}

impl<'a> Iterator for Anchors<'a> {
    type Item = AnchorRef<'a>;

    fn next(&mut self) -> Option<AnchorRef<'a>> {
        // At one start, a heading comes after raw-HTML ids and before footnotes: the order
        // the anchors were gathered in, kept by a stable sort by start.
        let heading_first = match (self.headings.first(), self.others.first()) {
            (Some(h), Some(a)) => {
                h.span.start < a.span.start
                    || (h.span.start == a.span.start && a.source == AnchorSource::Footnote)
            }
            (Some(_), None) => true,
            (None, _) => false,
        };
        if heading_first {
            let (h, rest) = self.headings.split_first()?;
            self.headings = rest;
            return Some(AnchorRef::of_heading(h));
        }
        if let Some((a, rest)) = self.others.split_first() {
            self.others = rest;
            return Some(AnchorRef::of(a));
        }
        let (a, rest) = self.paragraphs.split_first()?;
        self.paragraphs = rest;
        Some(AnchorRef::of(a))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.headings.len() + self.others.len() + self.paragraphs.len();
        (n, Some(n))
    }
}

impl ExactSizeIterator for Anchors<'_> {}

/// The table-of-contents entries of `headings`: h2–h4 not marked `no_toc`.
pub fn toc_entries(headings: &[Heading]) -> Vec<TocEntry<'_>> {
    headings
        .iter()
        .filter(|h| h.in_toc && (2..=4).contains(&h.level))
        .map(|h| TocEntry {
            level: h.level,
            id: &h.id,
            title: &h.text,
        })
        .collect()
}

/// A kramdown attribute list found on its own line.
#[derive(Debug, Clone)]
struct Ial {
    /// File byte span of the `{:…}` text.
    span: Range<usize>,
    /// Body-relative offset of the start of its line.
    at: usize,
    toc: bool,
    no_toc: bool,
    id: Option<String>,
    classes: Vec<String>,
    /// Tokens that cannot be applied (`key="value"` pairs, unknown words).
    unsupported: Vec<String>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TASKLISTS
}

/// Parses the body of `file` starting at byte `body_start` and renders it to HTML;
/// root-relative link targets in the HTML get `base_path` (`""` or `/sub/path`). Pushes
/// `unsupported-syntax` findings. One pass of the Markdown parser gives both the HTML and
/// what [`scan_body`] gives (a body with attribute lists is parsed into a list of events
/// first, as there).
pub fn parse_body(
    file: &SourceFile,
    body_start: usize,
    base_path: &str,
    diags: &mut Vec<Diagnostic>,
) -> Markdown {
    let (work, ials) = prepare(file, body_start, diags);
    if !ials.is_empty() {
        return body_with_ials(file, body_start, &work, &ials, Some(base_path), true, diags);
    }
    scan_and_render(&work, body_start, base_path)
}

/// Marks, in HTML made before a page's heading ids are known, where a heading's id goes:
/// [`scan_and_render`] writes it in each heading's opening tag and anchor link, and puts
/// the ids in once the page is read. One byte (U+0001), found with a byte search.
const ID_MARK: &str = "\u{1}";

/// [`scan`] and [`render`] of `work` (a body without attribute lists) in one pass of the
/// Markdown parser: the HTML is written as the events stream past, with [`ID_MARK`] for
/// each heading's id. When the HTML holds other U+0001 characters (the body wrote one,
/// e.g. as `&#1;`), the body is rendered again with the ids known.
fn scan_and_render(work: &str, body_start: usize, base_path: &str) -> Markdown {
    let mut scan = Scan::new(work, body_start, true);
    let events = Parser::new_ext(work, options())
        .into_offset_iter()
        .map(|(event, range)| {
            scan.observe(&event, range);
            match event {
                Event::Start(Tag::Heading { level, classes, .. }) => {
                    Event::Html(CowStr::from(heading_open(
                        heading_level(level),
                        ID_MARK,
                        classes.iter().map(|c| c.as_ref()),
                    )))
                }
                Event::End(TagEnd::Heading(level)) => {
                    Event::Html(CowStr::from(heading_close(ID_MARK, heading_level(level))))
                }
                other => rebase_event(other, base_path),
            }
        });
    let mut html = String::with_capacity(work.len() + work.len() / 4);
    pulldown_cmark::html::push_html(&mut html, events);
    let mut md = scan.finish();
    md.html = with_ids(&html, &md.headings)
        .unwrap_or_else(|| render(work, body_start, base_path, &md.headings));
    md
}

/// `html` with each pair of [`ID_MARK`]s replaced by the next heading's id (escaped as an
/// attribute), or `None` when the marks are not exactly two for each heading.
fn with_ids(html: &str, headings: &[Heading]) -> Option<String> {
    let marks = memchr::memchr_iter(ID_MARK.as_bytes()[0], html.as_bytes());
    if marks.clone().count() != 2 * headings.len() {
        return None;
    }
    let ids: Vec<String> = headings.iter().map(|h| escape_attr(&h.id)).collect();
    let mut out =
        String::with_capacity(html.len() + 2 * ids.iter().map(String::len).sum::<usize>());
    let mut last = 0;
    for (k, at) in marks.enumerate() {
        out.push_str(&html[last..at]);
        out.push_str(&ids[k / 2]);
        last = at + ID_MARK.len();
    }
    out.push_str(&html[last..]);
    Some(out)
}

/// Only the HTML of [`parse_body`] (links are not collected). `headings` are the page's
/// headings as [`scan_body`] found them in the same text: their ids are rendered without
/// working them out again (when they do not fit the text, they are worked out again).
pub(crate) fn render_body(
    file: &SourceFile,
    body_start: usize,
    base_path: &str,
    headings: &[Heading],
) -> String {
    let mut diags = Vec::new();
    let (work, ials) = prepare(file, body_start, &mut diags);
    if !ials.is_empty() {
        return body_with_ials(
            file,
            body_start,
            &work,
            &ials,
            Some(base_path),
            false,
            &mut diags,
        )
        .html;
    }
    render(&work, body_start, base_path, headings)
}

/// [`parse_body`] without the HTML (`html` is empty): what checking needs. A build
/// renders the HTML in the same pass ([`parse_body`]) and keeps it on disk
/// ([`crate::parse::spill`]); else it is made when the page is rendered
/// ([`crate::parse::ParsedPage::html`]). A site's pages are never all held as HTML at once.
pub fn scan_body(file: &SourceFile, body_start: usize, diags: &mut Vec<Diagnostic>) -> Markdown {
    let (work, ials) = prepare(file, body_start, diags);
    if ials.is_empty() {
        scan(&work, body_start, true)
    } else {
        body_with_ials(file, body_start, &work, &ials, None, true, diags)
    }
}

/// The body of `file` from `body_start` with ERB tags and attribute lists blanked out
/// (borrowed when it has neither), and the attribute lists.
fn prepare<'a>(
    file: &'a SourceFile,
    body_start: usize,
    diags: &mut Vec<Diagnostic>,
) -> (Cow<'a, str>, Vec<Ial>) {
    let body = &file.text()[body_start..];
    let mut ials = Vec::new();
    // One pass of memchr's SIMD search for both first bytes: every page body goes through
    // here, and most have neither (two substring searches took twice the instructions).
    let bytes = body.as_bytes();
    let has_either = memchr::memchr2_iter(b'<', b'{', bytes).any(|at| {
        matches!(
            (bytes[at], bytes.get(at + 1)),
            (b'<', Some(b'%')) | (b'{', Some(b':'))
        )
    });
    if has_either {
        let blanked = blank_unsupported(file, body_start, &mut ials, diags);
        (Cow::Owned(blanked), ials)
    } else {
        (Cow::Borrowed(body), ials)
    }
}

/// A heading met by [`scan`] whose id is made once the whole body has been read.
struct PendingHeading<'a> {
    level: u8,
    text: String,
    explicit: Option<CowStr<'a>>,
    span: Range<usize>,
}

/// Headings, anchors and links (when `links_wanted`) of `work`, a body without attribute
/// lists, in one streaming pass; `html` is left empty.
fn scan(work: &str, body_start: usize, links_wanted: bool) -> Markdown {
    let mut scan = Scan::new(work, body_start, links_wanted);
    for (event, range) in Parser::new_ext(work, options()).into_offset_iter() {
        scan.observe(&event, range);
    }
    scan.finish()
}

/// What [`scan`] gathers from the events of `work` as they stream past, turned into a
/// [`Markdown`] (without HTML) by [`Scan::finish`]: headings get their ids only at the
/// end, once every explicit id on the page is known.
struct Scan<'a> {
    work: &'a str,
    body_start: usize,
    links_wanted: bool,
    slugger: Slugger,
    /// Raw-HTML ids, then footnotes (headings' ids are the headings'): the order
    /// `body_with_ials` pushes them in, which the stable sort in `finish` keeps for equal
    /// starts.
    anchors: Vec<Anchor>,
    footnotes: Vec<Anchor>,
    /// Raw-HTML links and Markdown links and images as met, put in order by `finish`.
    links: Vec<Link>,
    pending: Vec<PendingHeading<'a>>,
    in_heading: bool,
}

impl<'a> Scan<'a> {
    fn new(work: &'a str, body_start: usize, links_wanted: bool) -> Self {
        Scan {
            work,
            body_start,
            links_wanted,
            slugger: Slugger::new(),
            anchors: Vec::new(),
            footnotes: Vec::new(),
            links: Vec::new(),
            pending: Vec::new(),
            in_heading: false,
        }
    }

    /// Takes in the next event of `work` and its body range.
    #[inline(always)]
    fn observe(&mut self, event: &Event<'a>, range: Range<usize>) {
        let (work, body_start) = (self.work, self.body_start);
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                if let Some(id) = id {
                    // Explicit ids first, so generated slugs avoid them.
                    self.slugger.reserve(id);
                }
                let span = body_start + range.start..body_start + trim_end(work, range).end;
                self.pending.push(PendingHeading {
                    level: heading_level(*level),
                    text: String::new(),
                    explicit: id.clone(),
                    span,
                });
                self.in_heading = true;
            }
            Event::End(TagEnd::Heading(_)) => self.in_heading = false,
            Event::Text(t) | Event::Code(t) if self.in_heading => {
                if let Some(h) = self.pending.last_mut() {
                    h.text.push_str(t);
                }
            }
            Event::Start(Tag::HtmlBlock) | Event::InlineHtml(_) => html_ids_and_links(
                &work[range.clone()],
                body_start + range.start,
                &mut self.slugger,
                &mut self.anchors,
                &mut self.links,
            ),
            Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::FootnoteDefinition(_))
                if self.links_wanted =>
            {
                link_or_footnote(
                    event,
                    range,
                    work,
                    body_start,
                    &mut self.links,
                    &mut self.footnotes,
                );
            }
            _ => {}
        }
    }

    /// The page's headings (with their ids), anchors and links; `html` empty.
    fn finish(self) -> Markdown {
        let Scan {
            mut slugger,
            mut anchors,
            mut footnotes,
            mut links,
            pending,
            ..
        } = self;
        let mut headings = Vec::with_capacity(pending.len());
        slugger.expect(pending.len());
        for h in pending {
            let explicit_id = h.explicit.is_some();
            let id = match h.explicit {
                Some(id) => id.into_string(),
                None => slugger.unique(&h.text),
            };
            let trimmed = h.text.trim();
            let text = if trimmed.len() == h.text.len() {
                h.text
            } else {
                trimmed.to_string()
            };
            headings.push(Heading {
                level: h.level,
                text,
                id,
                explicit_id,
                span: h.span,
                in_toc: true,
            });
        }
        anchors.append(&mut footnotes);
        sort_links(&mut links);
        anchors.sort_by_key(|a| a.span.start);
        Markdown {
            headings,
            non_heading_anchors: anchors,
            paragraph_anchors: Vec::new(),
            links,
            html: String::new(),
        }
    }
}

/// Puts `links` in document order: by span start, and at one start raw-HTML links before
/// Markdown ones, each kind in the order met (a stable sort; none when already in order,
/// as nearly always).
fn sort_links(links: &mut [Link]) {
    let key = |l: &Link| (l.span.start, l.kind != LinkKind::Html);
    if !links.is_sorted_by_key(key) {
        links.sort_by_key(key);
    }
}

/// Explicit ids (`id=`, `<a name=>`) and link targets (`<a href>`, `<area href>`,
/// `<img src>`) in a piece of raw HTML starting at file offset `at`.
fn html_ids_and_links(
    html: &str,
    at: usize,
    slugger: &mut Slugger,
    anchors: &mut Vec<Anchor>,
    links: &mut Vec<Link>,
) {
    for attr in html_scan::attributes(html) {
        let span = at + attr.span.start..at + attr.span.end;
        match (attr.tag.as_str(), attr.name.as_str()) {
            (_, "id") | ("a", "name") if !attr.value.is_empty() => {
                slugger.reserve(attr.value);
                anchors.push(Anchor {
                    id: Box::from(attr.value),
                    span,
                    source: AnchorSource::Explicit,
                });
            }
            ("a" | "area", "href") | ("img", "src") => links.push(Link {
                dest: Box::from(attr.value),
                span,
                kind: LinkKind::Html,
            }),
            _ => {}
        }
    }
}

/// Records a Markdown link or image (in `links`) or a footnote definition (in
/// `footnotes`) that `event` at body range `range` starts.
fn link_or_footnote(
    event: &Event<'_>,
    range: Range<usize>,
    work: &str,
    body_start: usize,
    links: &mut Vec<Link>,
    footnotes: &mut Vec<Anchor>,
) {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            ..
        }) if *link_type != LinkType::Email => {
            links.push(Link {
                // Not `to_string`: that formats a `CowStr` through `Display`.
                dest: Box::from(&**dest_url),
                span: dest_span(work, body_start, range, dest_url),
                kind: LinkKind::Markdown,
            });
        }
        Event::Start(Tag::Image { dest_url, .. }) => links.push(Link {
            dest: Box::from(&**dest_url),
            span: dest_span(work, body_start, range, dest_url),
            kind: LinkKind::Image,
        }),
        Event::Start(Tag::FootnoteDefinition(label)) => footnotes.push(Anchor {
            id: Box::from(&**label),
            span: body_start + range.start..body_start + range.start,
            source: AnchorSource::Footnote,
        }),
        _ => {}
    }
}

/// The HTML of `work`, a body without attribute lists, in one streaming pass, headings
/// rendered with the ids of `headings`. When `headings` are not this text's (the Nth
/// heading starts elsewhere, or the counts differ), they are worked out again.
fn render(work: &str, body_start: usize, base_path: &str, headings: &[Heading]) -> String {
    match render_with(work, body_start, base_path, headings) {
        Ok(html) => html,
        Err(_) => {
            let headings = scan(work, body_start, false).headings;
            match render_with(work, body_start, base_path, &headings) {
                Ok(html) | Err(html) => html,
            }
        }
    }
}

/// [`render`] with the given headings; `Err` (with the HTML made anyway) when they do
/// not fit the text.
fn render_with(
    work: &str,
    body_start: usize,
    base_path: &str,
    headings: &[Heading],
) -> Result<String, String> {
    let mut next = 0;
    let mut fits = true;
    let mut open: Option<&Heading> = None;
    let events = Parser::new_ext(work, options())
        .into_offset_iter()
        .map(|(event, range)| match event {
            Event::Start(Tag::Heading { level, classes, .. }) => {
                let h = headings.get(next);
                next += 1;
                let level = heading_level(level);
                if h.is_none_or(|h| h.level != level || h.span.start != body_start + range.start) {
                    fits = false;
                }
                let id = h.map_or("", |h| h.id.as_str());
                let tag = heading_open(level, id, classes.iter().map(|c| c.as_ref()));
                open = h;
                Event::Html(CowStr::from(tag))
            }
            Event::End(TagEnd::Heading(level)) => {
                let close = match open.take() {
                    Some(h) => heading_close(&h.id, h.level),
                    None => heading_close("", heading_level(level)),
                };
                Event::Html(CowStr::from(close))
            }
            other => rebase_event(other, base_path),
        });
    let mut html = String::with_capacity(work.len() + work.len() / 4);
    pulldown_cmark::html::push_html(&mut html, events);
    if fits && next == headings.len() {
        Ok(html)
    } else {
        Err(html)
    }
}

/// What starts a rendered heading: `<hN id="…" class="…">`, the classes in the order
/// given without `no_toc` (which only keeps the heading out of the table of contents),
/// and no `class` when none is left. Attribute values are HTML-escaped.
///
/// Written piece by piece, not with `format!`: every heading of a build goes through
/// here and [`heading_close`], and formatting them took 2.2% of a 1,000-page build's
/// instructions (callgrind).
fn heading_open<'c>(level: u8, id: &str, classes: impl Iterator<Item = &'c str>) -> String {
    let mut tag = String::with_capacity(16 + id.len());
    tag.push_str("<h");
    push_level(&mut tag, level);
    tag.push_str(" id=\"");
    push_attr(&mut tag, id);
    tag.push('"');
    let mut classes = classes.filter(|c| *c != "no_toc").peekable();
    if classes.peek().is_some() {
        tag.push_str(" class=\"");
        for (i, class) in classes.enumerate() {
            if i > 0 {
                tag.push(' ');
            }
            push_attr(&mut tag, class);
        }
        tag.push('"');
    }
    tag.push('>');
    tag
}

/// What ends a rendered heading: its anchor link and the closing tag.
fn heading_close(id: &str, level: u8) -> String {
    let mut close = String::with_capacity(80 + id.len());
    close.push_str(" <a class=\"anchor\" href=\"#");
    push_attr(&mut close, id);
    close.push_str("\" aria-label=\"Link to this section\">#</a></h");
    push_level(&mut close, level);
    close.push_str(">\n");
    close
}

/// Appends heading level `level` (1–6) as its digit.
fn push_level(out: &mut String, level: u8) {
    out.push(char::from(b'0' + level.min(9)));
}

/// Appends `s` escaped for an HTML attribute value in double quotes (what
/// [`escape_attr`] returns).
fn push_attr(out: &mut String, s: &str) {
    let _ = pulldown_cmark_escape::escape_html(&mut *out, s);
}

/// The body with attribute lists: parsed into a list of events, which are walked to
/// attach each list to the block above it. Renders HTML with `html`'s base path when it
/// is given; collects links and footnote anchors when `links_wanted` is set.
fn body_with_ials(
    file: &SourceFile,
    body_start: usize,
    work: &str,
    ials: &[Ial],
    html: Option<&str>,
    links_wanted: bool,
    diags: &mut Vec<Diagnostic>,
) -> Markdown {
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(work, options())
        .into_offset_iter()
        .collect();
    let blocks = blocks(&events);

    // Explicit ids first, so generated slugs avoid them.
    let mut slugger = Slugger::new();
    let mut anchors = Vec::new();
    let mut links = Vec::new();
    for (event, range) in &events {
        match event {
            Event::Start(Tag::Heading { id: Some(id), .. }) => slugger.reserve(id),
            Event::Start(Tag::HtmlBlock) | Event::InlineHtml(_) => html_ids_and_links(
                &work[range.clone()],
                body_start + range.start,
                &mut slugger,
                &mut anchors,
                &mut links,
            ),
            _ => {}
        }
    }
    for ial in ials {
        if let Some(id) = &ial.id {
            slugger.reserve(id);
        }
    }

    // Attach attribute lists to the block above them.
    let mut heading_attrs: Vec<(usize, &Ial)> = Vec::new(); // (start event index, ial)
    let mut paragraph_attrs: Vec<(usize, usize, &Ial)> = Vec::new(); // (start, end, ial)
    let mut toc_lists: Vec<(usize, usize, &Ial)> = Vec::new();
    for ial in ials {
        let above: Vec<&Block> = blocks
            .iter()
            .filter(|b| {
                b.range.start < ial.at && {
                    let end = trim_end(work, b.range.clone()).end;
                    end <= ial.at && work[end..ial.at].trim().is_empty()
                }
            })
            .collect();
        if ial.toc {
            match above.iter().filter(|b| b.kind == BlockKind::List).min_by_key(|b| b.depth) {
                Some(list) => toc_lists.push((list.start, list.end, ial)),
                None => diags.push(
                    Diagnostic::at(
                        Rule::UnsupportedSyntax,
                        file,
                        ial.span.clone(),
                        "`{:toc}` does not follow a list, so there is nothing to replace with the table of contents",
                        "put `{:toc}` on the line right after a one-item list such as `- TOC`",
                    )
                    .with_key("ial-toc"),
                ),
            }
        } else {
            match above.iter().max_by_key(|b| b.depth) {
                Some(b) if b.kind == BlockKind::Heading => heading_attrs.push((b.start, ial)),
                Some(b) if b.kind == BlockKind::Paragraph => paragraph_attrs.push((b.start, b.end, ial)),
                _ if ial.no_toc && ial.classes.len() == 1 && ial.id.is_none() => {}
                _ => diags.push(
                    Diagnostic::at(
                        Rule::UnsupportedSyntax,
                        file,
                        ial.span.clone(),
                        format!("kramdown attribute list `{}` follows no heading or paragraph; it was dropped", &file.text()[ial.span.clone()]),
                        "attach it to the line right below a heading or paragraph, or remove it",
                    )
                    .with_key("ial-dropped"),
                ),
            }
        }
        if !ial.unsupported.is_empty() {
            diags.push(
                Diagnostic::at(
                    Rule::UnsupportedSyntax,
                    file,
                    ial.span.clone(),
                    format!(
                        "`{}` in kramdown attribute list `{}` is not supported; it was dropped",
                        ial.unsupported.join(" "),
                        &file.text()[ial.span.clone()]
                    ),
                    "only `toc`, `.class`, `.no_toc` and `#id` are applied; use raw HTML for other attributes",
                )
                .with_key("ial-attribute"),
            );
        }
    }

    // Headings: text, ids, toc membership.
    let mut headings = Vec::new();
    let mut heading_at: Vec<(usize, usize)> = Vec::new(); // (start idx, end idx)
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i].0 {
            let start = i;
            let mut text = String::new();
            while i < events.len() && !matches!(events[i].0, Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[i].0 {
                    text.push_str(t);
                }
                i += 1;
            }
            let ial = heading_attrs
                .iter()
                .find(|(s, _)| *s == start)
                .map(|(_, ial)| *ial);
            let explicit = id
                .as_ref()
                .map(|s| String::from(&**s))
                .or_else(|| ial.and_then(|a| a.id.clone()));
            let explicit_id = explicit.is_some();
            let id = explicit.unwrap_or_else(|| slugger.unique(&text));
            let range = events[start].1.clone();
            let span = body_start + range.start..body_start + trim_end(work, range).end;
            headings.push(Heading {
                level: heading_level(*level),
                text: text.trim().to_string(),
                id,
                explicit_id,
                span,
                in_toc: !ial.is_some_and(|a| a.no_toc),
            });
            heading_at.push((start, i));
        }
        i += 1;
    }

    // Links, images, footnote anchors.
    for (event, range) in events.iter().filter(|_| links_wanted) {
        link_or_footnote(
            event,
            range.clone(),
            work,
            body_start,
            &mut links,
            &mut anchors,
        );
    }
    sort_links(&mut links);
    anchors.sort_by_key(|a| a.span.start);
    let mut paragraph_anchors = Vec::new();
    for ial in &paragraph_attrs {
        if let Some(id) = &ial.2.id {
            paragraph_anchors.push(Anchor {
                id: Box::from(id.as_str()),
                span: ial.2.span.clone(),
                source: AnchorSource::Explicit,
            });
        }
    }

    let Some(base_path) = html else {
        return Markdown {
            headings,
            non_heading_anchors: anchors,
            paragraph_anchors,
            links,
            html: String::new(),
        };
    };

    // Render.
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut skip_until = None;
    let mut heading_iter = heading_at.iter().zip(headings.iter()).peekable();
    let mut heading_close: Option<String> = None;
    for (idx, (event, _)) in events.into_iter().enumerate() {
        if let Some(end) = skip_until {
            if idx <= end {
                continue;
            }
            skip_until = None;
        }
        if let Some(&(_, end, ial)) = toc_lists.iter().find(|(s, _, _)| *s == idx) {
            out.push(Event::Html(CowStr::from(toc_html(&headings, &ial.classes))));
            skip_until = Some(end);
            continue;
        }
        if let Some(&(&(start, end), h)) = heading_iter.peek() {
            if idx == start {
                // The attribute list's classes, then the heading's own.
                let ial_classes = heading_attrs
                    .iter()
                    .find(|(s, _)| *s == start)
                    .map_or(&[][..], |(_, ial)| &ial.classes[..]);
                let own: &[CowStr<'_>] = match &event {
                    Event::Start(Tag::Heading { classes, .. }) => classes,
                    _ => &[],
                };
                let classes = ial_classes
                    .iter()
                    .map(String::as_str)
                    .chain(own.iter().map(|c| c.as_ref()));
                let open = heading_open(h.level, &h.id, classes);
                out.push(Event::Html(CowStr::from(open)));
                heading_close = Some(self::heading_close(&h.id, h.level));
                continue;
            }
            if idx == end {
                out.push(Event::Html(CowStr::from(
                    heading_close.take().unwrap_or_default(),
                )));
                heading_iter.next();
                continue;
            }
        }
        if let Some(&(_, _, ial)) = paragraph_attrs
            .iter()
            .find(|(s, e, _)| *s == idx || *e == idx)
        {
            if matches!(event, Event::Start(Tag::Paragraph)) {
                let mut open = String::from("<p");
                if let Some(id) = &ial.id {
                    let _ = write!(open, " id=\"{}\"", escape_attr(id));
                }
                if !ial.classes.is_empty() {
                    let _ = write!(open, " class=\"{}\"", escape_attr(&ial.classes.join(" ")));
                }
                open.push('>');
                out.push(Event::Html(CowStr::from(open)));
                continue;
            }
            if matches!(event, Event::End(TagEnd::Paragraph)) {
                out.push(Event::Html(CowStr::from("</p>\n")));
                continue;
            }
        }
        out.push(rebase_event(event, base_path));
    }
    let mut html = String::with_capacity(work.len() + work.len() / 4);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());

    Markdown {
        headings,
        non_heading_anchors: anchors,
        paragraph_anchors,
        links,
        html,
    }
}

/// Applies the base path to root-relative link and image targets and raw-HTML
/// `href`/`src` values.
fn rebase_event<'a>(event: Event<'a>, base_path: &str) -> Event<'a> {
    if base_path.is_empty() {
        return event;
    }
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if is_root_relative(&dest_url) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::from(format!("{base_path}{dest_url}")),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if is_root_relative(&dest_url) => Event::Start(Tag::Image {
            link_type,
            dest_url: CowStr::from(format!("{base_path}{dest_url}")),
            title,
            id,
        }),
        Event::Html(html) if html.contains("=\"/") || html.contains("='/") => {
            Event::Html(CowStr::from(rebase_html(&html, base_path)))
        }
        Event::InlineHtml(html) if html.contains("=\"/") || html.contains("='/") => {
            Event::InlineHtml(CowStr::from(rebase_html(&html, base_path)))
        }
        other => other,
    }
}

fn is_root_relative(dest: &str) -> bool {
    dest.starts_with('/') && !dest.starts_with("//")
}

/// Prefixes `base_path` to root-relative `href`/`src` attribute values in raw HTML.
fn rebase_html(html: &str, base_path: &str) -> String {
    let mut out = String::with_capacity(html.len() + 32);
    let mut last = 0;
    for attr in html_scan::attributes(html) {
        if matches!(attr.name.as_str(), "href" | "src") && is_root_relative(attr.value) {
            out.push_str(&html[last..attr.span.start]);
            out.push_str(base_path);
            last = attr.span.start;
        }
    }
    out.push_str(&html[last..]);
    out
}

/// The `<nav class="toc">` that `{:toc}` stands for: headings not marked `no_toc`, nested.
fn toc_html(headings: &[Heading], classes: &[String]) -> String {
    let mut html = String::from("<nav class=\"toc");
    for c in classes {
        html.push(' ');
        html.push_str(&escape_attr(c));
    }
    html.push_str("\">\n");
    let mut stack: Vec<u8> = Vec::new();
    for h in headings.iter().filter(|h| h.in_toc && h.level >= 2) {
        while stack.last().is_some_and(|&l| l > h.level) {
            html.push_str("</li>\n</ul>\n");
            stack.pop();
        }
        if stack.last() == Some(&h.level) {
            html.push_str("</li>\n");
        } else {
            html.push_str("<ul>\n");
            stack.push(h.level);
        }
        let _ = write!(
            html,
            "<li><a href=\"#{}\">{}</a>",
            escape_attr(&h.id),
            escape_text(&h.text)
        );
    }
    while stack.pop().is_some() {
        html.push_str("</li>\n</ul>\n");
    }
    html.push_str("</nav>\n");
    html
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Heading,
    Paragraph,
    List,
    Other,
}

#[derive(Debug, Clone)]
struct Block {
    start: usize,
    end: usize,
    range: Range<usize>,
    kind: BlockKind,
    depth: usize,
}

/// Block-level elements with their start/end event indices and source ranges.
fn blocks(events: &[(Event<'_>, Range<usize>)]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut stack: Vec<(usize, BlockKind)> = Vec::new();
    for (i, (event, _)) in events.iter().enumerate() {
        match event {
            Event::Start(tag) => {
                let kind = match tag {
                    Tag::Heading { .. } => BlockKind::Heading,
                    Tag::Paragraph => BlockKind::Paragraph,
                    Tag::List(_) => BlockKind::List,
                    Tag::BlockQuote(_)
                    | Tag::CodeBlock(_)
                    | Tag::HtmlBlock
                    | Tag::Table(_)
                    | Tag::Item
                    | Tag::FootnoteDefinition(_) => BlockKind::Other,
                    _ => continue,
                };
                stack.push((i, kind));
            }
            Event::End(end) => {
                let is_block = matches!(
                    end,
                    TagEnd::Heading(_)
                        | TagEnd::Paragraph
                        | TagEnd::List(_)
                        | TagEnd::BlockQuote(_)
                        | TagEnd::CodeBlock
                        | TagEnd::HtmlBlock
                        | TagEnd::Table
                        | TagEnd::Item
                        | TagEnd::FootnoteDefinition
                );
                if is_block && let Some((start, kind)) = stack.pop() {
                    out.push(Block {
                        start,
                        end: i,
                        range: events[start].1.clone(),
                        kind,
                        depth: stack.len(),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// Copies `body` with ERB tags and attribute-list lines (outside code) replaced by
/// spaces, recording the attribute lists and warning about the ERB tags.
fn blank_unsupported(
    file: &SourceFile,
    body_start: usize,
    ials: &mut Vec<Ial>,
    diags: &mut Vec<Diagnostic>,
) -> String {
    let body = &file.text()[body_start..];
    let code: Vec<Range<usize>> = Parser::new_ext(body, options())
        .into_offset_iter()
        .filter_map(|(e, r)| match e {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => Some(r),
            _ => None,
        })
        .collect();
    let in_code = |at: usize| code.iter().any(|r| r.contains(&at));
    let mut bytes = body.as_bytes().to_vec();
    let mut blank = |range: Range<usize>| {
        for b in &mut bytes[range] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    };

    let mut from = 0;
    while let Some(rel) = body[from..].find("<%") {
        let start = from + rel;
        let end = body[start..]
            .find("%>")
            .map_or(body.len(), |e| start + e + 2);
        from = end;
        if in_code(start) {
            continue;
        }
        let tag = &body[start..end];
        let (message, help) = erb_advice(tag);
        diags.push(
            Diagnostic::at(
                Rule::UnsupportedSyntax,
                file,
                body_start + start..body_start + end,
                message,
                help,
            )
            .with_key(format!(
                "erb:{}",
                tag.split_whitespace().collect::<Vec<_>>().join(" ")
            )),
        );
        blank(start..end);
    }

    let mut at = 0;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with("{:") && trimmed.ends_with('}') && !in_code(at) {
            let lead = line.len() - line.trim_start().len();
            let span = body_start + at + lead..body_start + at + lead + trimmed.len();
            ials.push(parse_ial(&trimmed[2..trimmed.len() - 1], span, at));
            blank(at..at + line.len());
        }
        at += line.len();
    }
    // Only ASCII bytes were replaced by ASCII spaces, and multi-byte chars either kept
    // whole or replaced byte by byte: still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn erb_advice(tag: &str) -> (String, String) {
    let short: String = tag.chars().take(80).collect();
    if tag.contains("job_families(") {
        (
            format!("ERB tag `{short}` is not supported; it was left out of the page"),
            "remove it: the theme lists the folder's job families on this page already".to_string(),
        )
    } else if tag.contains("partial") {
        (
            format!("ERB partial `{short}` is not supported; its text is missing from the page"),
            "paste the partial's text into this page".to_string(),
        )
    } else {
        (
            format!("ERB tag `{short}` is not supported; it was left out of the page"),
            "replace it with the text it stood for".to_string(),
        )
    }
}

fn parse_ial(inner: &str, span: Range<usize>, at: usize) -> Ial {
    let mut ial = Ial {
        span,
        at,
        toc: false,
        no_toc: false,
        id: None,
        classes: Vec::new(),
        unsupported: Vec::new(),
    };
    for token in inner.split_whitespace() {
        if token == "toc" {
            ial.toc = true;
        } else if let Some(class) = token.strip_prefix('.') {
            if class == "no_toc" {
                ial.no_toc = true;
            }
            ial.classes.push(class.to_string());
        } else if let Some(id) = token.strip_prefix('#') {
            ial.id = Some(id.to_string());
        } else {
            ial.unsupported.push(token.to_string());
        }
    }
    ial
}

/// The span of `dest` within the link at `range` (body-relative), as a file span; the
/// whole link when the destination is not written there (reference links).
fn dest_span(work: &str, body_start: usize, range: Range<usize>, dest: &str) -> Range<usize> {
    let range = trim_end(work, range);
    let text = &work[range.clone()];
    if dest.is_empty() {
        return body_start + range.start..body_start + range.end;
    }
    // `[text](dest "title")`: the destination follows `](` (or `](<`); the link text and
    // the title may repeat it, so search there first (each `]` followed by `(`: the
    // places of `](`, found with a one-byte search, on bytes: `]`, `(` and `<` are ASCII).
    let (bytes, dest_bytes) = (text.as_bytes(), dest.as_bytes());
    let found = memchr::memchr_iter(b']', bytes)
        .filter(|&i| bytes.get(i + 1) == Some(&b'('))
        .find_map(|i| {
            let after = &bytes[i + 2..];
            if after.starts_with(dest_bytes) {
                Some(i + 2)
            } else if after
                .strip_prefix(b"<")
                .is_some_and(|a| a.starts_with(dest_bytes))
            {
                Some(i + 3)
            } else {
                None
            }
        })
        .or_else(|| text.find(dest));
    match found {
        Some(i) => body_start + range.start + i..body_start + range.start + i + dest.len(),
        None => body_start + range.start..body_start + range.end,
    }
}

fn trim_end(work: &str, range: Range<usize>) -> Range<usize> {
    let text = &work[range.clone()];
    range.start..range.start + text.trim_end().len()
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Escapes text for an HTML attribute value in double quotes.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_attr(&mut out, s);
    out
}

fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html_body_text(&mut out, s).ok();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_tags_escape_ids_and_classes_and_leave_out_no_toc() {
        assert_eq!(
            heading_open(2, "a\"b&c", ["no_toc", "wide", "x<y"].into_iter()),
            "<h2 id=\"a&quot;b&amp;c\" class=\"wide x&lt;y\">"
        );
        assert_eq!(heading_open(6, "", ["no_toc"].into_iter()), "<h6 id=\"\">");
        assert_eq!(
            heading_close("a\"b", 3),
            " <a class=\"anchor\" href=\"#a&quot;b\" aria-label=\"Link to this section\">#</a></h3>\n"
        );
    }

    #[test]
    fn dest_span_finds_the_destination_after_the_bracket() {
        // The link text (not ASCII) repeats the destination; `](<` wraps it.
        let work = "x [é /a/ ü](/a/) [/b/](</b/> \"/b/\")";
        let span = |range: Range<usize>, dest| dest_span(work, 10, range, dest);
        let first = work.find('[').unwrap()..work.find(')').unwrap() + 1;
        let at = work.find("(/a/)").unwrap() + 1;
        assert_eq!(span(first, "/a/"), 10 + at..10 + at + 3);
        let second = work.rfind('[').unwrap()..work.len();
        let at = work.find("</b/>").unwrap() + 1;
        assert_eq!(span(second.clone(), "/b/"), 10 + at..10 + at + 3);
        // Not after `](`: the first place it occurs; nowhere: the whole link.
        assert_eq!(span(second.clone(), "b/>"), 10 + at + 1..10 + at + 4);
        assert_eq!(
            span(second.clone(), "/c/"),
            10 + second.start..10 + second.end
        );
    }

    fn parse(body: &str, base_path: &str) -> (Markdown, Vec<Diagnostic>) {
        let file = SourceFile::for_test("p.md", body);
        let mut diags = Vec::new();
        let md = parse_body(&file, 0, base_path, &mut diags);
        (md, diags)
    }

    /// Rendering in the scan's pass (what a build does) gives what scanning and then
    /// rendering again gives: the same HTML, headings, anchors and links.
    #[test]
    fn one_pass_matches_scan_then_render() {
        let bodies = [
            "# Title\n\n## Levels\n### Senior X\n#### Requirements\n### Staff X\n#### Requirements\n",
            // An explicit id further down takes the slug a heading above would get.
            "## Levels\n\ntext [a](/a/#levels) ![i](/img.png)\n\n## Other {#levels}\n",
            "## `code` & <b>bold</b> \"quoted\"\n\n<div id=\"raw\"><a href=\"/x/\">x</a></div>\n",
            "## A {.wide .no_toc}\n\nfoot[^1]\n\n[^1]: note [n](/n/)\n",
            // U+0001 from an entity and as written, in a heading and in text.
            "## one &#1; two\n\nthree &#x1; \u{1} four\n\n## five \u{1}\n",
            "no headings at all, a [link](/l/) and <span id=\"s\"></span>\n",
            "",
        ];
        for body in bodies {
            for base_path in ["", "/handbook"] {
                let file = SourceFile::for_test("p.md", body);
                let mut one_diags = Vec::new();
                let one = parse_body(&file, 0, base_path, &mut one_diags);
                let mut two_diags = Vec::new();
                let two = scan_body(&file, 0, &mut two_diags);
                let html = render_body(&file, 0, base_path, &two.headings);
                assert_eq!(one.html, html, "{body:?} at {base_path:?}");
                assert_eq!(one.headings, two.headings, "{body:?}");
                assert_eq!(one.non_heading_anchors, two.non_heading_anchors, "{body:?}");
                assert_eq!(one.paragraph_anchors, two.paragraph_anchors, "{body:?}");
                assert_eq!(one.links, two.links, "{body:?}");
                assert_eq!(one_diags, two_diags, "{body:?}");
            }
        }
        // The marks are gone from a page whose ids were filled in.
        let file = SourceFile::for_test("p.md", "## A\n\n## B\n");
        let md = parse_body(&file, 0, "", &mut Vec::new());
        assert!(!md.html.contains('\u{1}'), "{}", md.html);
        assert!(
            md.html
                .contains("<h2 id=\"b\">B <a class=\"anchor\" href=\"#b\"")
        );
    }

    #[test]
    fn headings_get_unique_slugs_and_anchor_links() {
        let (md, d) = parse(
            "## Levels\n### Senior X\n#### Requirements\n### Staff X\n#### Requirements\n",
            "",
        );
        assert!(d.is_empty());
        let ids: Vec<_> = md.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "levels",
                "senior-x",
                "requirements",
                "staff-x",
                "requirements-1"
            ]
        );
        assert!(
            md.html
                .contains("<h3 id=\"senior-x\">Senior X <a class=\"anchor\" href=\"#senior-x\""),
            "{}",
            md.html
        );
        assert_eq!(md.toc().len(), 5);
    }

    #[test]
    fn explicit_ids_from_attributes_and_raw_html() {
        let (md, _) = parse(
            "## Grade {#job-grade}\n\n<a id=\"requirements\"></a>\n\n## Requirements\n\n<a name=\"Gitaly\">x</a>\n",
            "",
        );
        let ids: Vec<_> = md.anchors().map(|a| a.id).collect();
        assert_eq!(
            ids,
            ["job-grade", "requirements", "requirements-1", "Gitaly"]
        );
        assert!(md.headings[0].explicit_id);
    }

    #[test]
    fn anchors_merge_headings_in_document_order_then_paragraph_ids() {
        // By start (a raw-HTML id's is its attribute's, inside the heading); a paragraph's
        // id from an attribute list comes after every other id.
        let (md, _) = parse(
            "<a id=\"x\"></a> Title\n---\n\nPara[^n].\n{: #p}\n\n## Later\n\n[^n]: Note.\n",
            "",
        );
        let ids: Vec<_> = md.anchors().map(|a| (a.id, a.source)).collect();
        assert_eq!(
            ids,
            [
                ("title", AnchorSource::Heading),
                ("x", AnchorSource::Explicit),
                ("later", AnchorSource::Heading),
                ("n", AnchorSource::Footnote),
                ("p", AnchorSource::Explicit),
            ]
        );
        assert_eq!(md.anchors().len(), 5);
        assert!(md.has_anchor("p") && md.has_anchor("title") && !md.has_anchor("Title"));
    }

    #[test]
    fn links_have_spans_pointing_at_the_destination() {
        let text =
            "See [a](/job-families/x/) and [b][ref] and <a href=\"#y\">c</a>.\n\n[ref]: ../z/\n";
        let (md, _) = parse(text, "");
        let got: Vec<_> = md
            .links
            .iter()
            .map(|l| (&*l.dest, &text[l.span.clone()]))
            .collect();
        assert_eq!(
            got,
            [
                ("/job-families/x/", "/job-families/x/"),
                ("../z/", "[b][ref]"),
                ("#y", "#y")
            ]
        );
    }

    #[test]
    fn base_path_is_applied_once_to_root_relative_targets() {
        let (md, _) = parse(
            "[a](/x/) [b](https://e.com/) [c](#d) ![i](/img.png)\n\n<a href=\"/y/\">y</a>\n",
            "/handbook",
        );
        assert!(md.html.contains("href=\"/handbook/x/\""));
        assert!(md.html.contains("href=\"https://e.com/\""));
        assert!(md.html.contains("href=\"#d\""));
        assert!(md.html.contains("src=\"/handbook/img.png\""));
        assert!(md.html.contains("href=\"/handbook/y/\""), "{}", md.html);
    }

    #[test]
    fn erb_is_dropped_with_a_warning() {
        let (md, d) = parse(
            "## Roles\n\n<%= job_families('product') %>\n\nText <%= roleName %> here.\n\n`<%= in code %>`\n",
            "",
        );
        assert!(
            !md.html.contains("<%"),
            "{}",
            md.html.replace("<code>&lt;%", "")
        );
        assert!(md.html.contains("&lt;%= in code %&gt;"));
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(|d| d.rule == Rule::UnsupportedSyntax));
        assert_eq!((d[0].line, d[0].column), (3, 1));
    }

    #[test]
    fn kramdown_toc_and_no_toc() {
        let text = "## On this page\n{:.no_toc .hidden-md}\n\n- TOC\n{:toc .hidden-md}\n\n## Levels\n### Senior\n";
        let (md, d) = parse(text, "");
        assert!(d.is_empty(), "{d:?}");
        assert!(!md.html.contains("{:"));
        assert!(
            md.html.contains("<nav class=\"toc hidden-md\">"),
            "{}",
            md.html
        );
        assert!(md.html.contains("<a href=\"#senior\">Senior</a>"));
        assert!(!md.html.contains("<li>TOC"));
        assert!(!md.headings[0].in_toc);
        assert!(
            md.html
                .contains("<h2 id=\"on-this-page\" class=\"hidden-md\">"),
            "{}",
            md.html
        );
        assert_eq!(md.toc().len(), 2);
    }

    #[test]
    fn paragraph_classes_applied_and_unknown_attributes_reported() {
        let (md, d) = parse(
            "Note text.\n{: .alert .alert-info}\n\nOther.\n{: target=\"_blank\"}\n",
            "",
        );
        assert!(
            md.html.contains("<p class=\"alert alert-info\">Note text."),
            "{}",
            md.html
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("target=\"_blank\""));
    }
}
