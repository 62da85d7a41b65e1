//! The auto-submitting HTML form some banks answer a server-to-server request with (KuveytTürk's
//! 3D enrollment returns the ACS redirect page). The form is read into action and fields so the
//! host renders it like every other [`Form`] step. Real pages are not well-formed (unknown tags,
//! unquoted attributes, scripts, a form that is never closed), so this is a lenient scanner, not
//! an XML parser: comments, scripts and styles are skipped, then the first `<form>` and the
//! fields a browser would submit from it are read.

use super::text::MAX_POST_FIELDS;
use super::{CardEntry, Form};

/// The first form of `html` as a browser would submit it; `page_url` resolves a relative action.
/// Every field is marked sensitive: ACS fields carry card and authentication data.
pub fn first_form(html: &str, page_url: &str, card_entry: CardEntry) -> Option<Form> {
    let mut form: Option<Form> = None;
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = rest.get(start + 1..)?;
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").and_then(|end| after.get(end + 3..)).unwrap_or("");
            continue;
        }
        let name_len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'/').count();
        if name_len == 0 {
            // `a < b`, `<!DOCTYPE …>`: text, not a tag we read.
            continue;
        }
        let name = rest.get(..name_len)?.to_ascii_lowercase();
        // A tag cut off before its `>`: the page is truncated.
        let (attrs, after) = read_attributes(rest.get(name_len..)?)?;
        rest = after;
        match (name.as_str(), form.as_mut()) {
            ("script" | "style", _) => rest = skip_past_end_tag(rest, &name),
            ("form", None) => {
                let method = if attr(&attrs, "method").eq_ignore_ascii_case("get") { "GET" } else { "POST" };
                form = Some(Form {
                    action: resolve(&attr(&attrs, "action"), page_url),
                    method,
                    fields: Vec::new(),
                    sensitive: Vec::new(),
                    card_entry,
                    card_fields: None,
                });
            }
            ("/form", Some(_)) => break,
            ("input", Some(f)) => {
                let kind = attr(&attrs, "type").to_ascii_lowercase();
                let unchecked =
                    matches!(kind.as_str(), "checkbox" | "radio") && !attrs.iter().any(|(n, _)| n == "checked");
                let button = matches!(kind.as_str(), "submit" | "button" | "reset" | "image" | "file");
                if !button && !unchecked {
                    push_field(f, attr(&attrs, "name"), attr(&attrs, "value"))?;
                }
            }
            ("textarea", Some(f)) => {
                let end = find_ignore_case(rest, "</textarea").unwrap_or(rest.len());
                push_field(f, attr(&attrs, "name"), decode_entities(rest.get(..end)?))?;
                rest = skip_past_end_tag(rest, "textarea");
            }
            _ => {}
        }
    }
    form.filter(|f| !f.action.is_empty())
}

fn push_field(form: &mut Form, name: String, value: String) -> Option<()> {
    if name.is_empty() {
        return Some(());
    }
    if form.fields.len() >= MAX_POST_FIELDS {
        return None;
    }
    form.sensitive.push(name.clone());
    form.fields.push((name, value));
    Some(())
}

fn attr(attrs: &[(String, String)], name: &str) -> String {
    attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default()
}

/// Reads `name="value" name='value' name=value name` up to the closing `>` of a tag; names are
/// lower-cased and values entity-decoded. Returns the attributes and the text after the tag, or
/// `None` when the tag never closes.
fn read_attributes(mut s: &str) -> Option<(Vec<(String, String)>, &str)> {
    let mut attrs = Vec::new();
    loop {
        s = s.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if s.is_empty() {
            return None;
        }
        if let Some(after) = s.strip_prefix('>') {
            return Some((attrs, after));
        }
        let name_len = s.find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '>' | '/')).unwrap_or(s.len());
        let name = s.get(..name_len).unwrap_or_default().to_ascii_lowercase();
        s = s.get(name_len..).unwrap_or_default().trim_start_matches(|c: char| c.is_ascii_whitespace());
        let mut value = String::new();
        if let Some(after) = s.strip_prefix('=') {
            let after = after.trim_start_matches(|c: char| c.is_ascii_whitespace());
            let (raw, next) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = after.get(1..).unwrap_or_default();
                    let end = body.find(q).unwrap_or(body.len());
                    (body.get(..end).unwrap_or_default(), body.get(end + 1..).unwrap_or_default())
                }
                _ => {
                    let end = after.find(|c: char| c.is_ascii_whitespace() || c == '>').unwrap_or(after.len());
                    (after.get(..end).unwrap_or_default(), after.get(end..).unwrap_or_default())
                }
            };
            value = decode_entities(raw);
            s = next;
        }
        if !name.is_empty() {
            attrs.push((name, value));
        } else if value.is_empty() {
            // A stray character (`<input "x">`): step over it.
            s = s.get(s.chars().next().map_or(0, char::len_utf8)..).unwrap_or_default();
        }
    }
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    (0..h.len().saturating_sub(n.len()) + 1).find(|&i| h.get(i..i + n.len()).is_some_and(|w| w.eq_ignore_ascii_case(n)))
}

/// The text after `</name…>` (or nothing when the element is never closed).
fn skip_past_end_tag<'a>(s: &'a str, name: &str) -> &'a str {
    let Some(start) = find_ignore_case(s, &["</", name].concat()) else { return "" };
    let after = s.get(start..).unwrap_or_default();
    after.find('>').and_then(|end| after.get(end + 1..)).unwrap_or("")
}

/// The form's target: absolute, or resolved against the page it came from.
fn resolve(action: &str, page_url: &str) -> String {
    let action = action.trim();
    if action.starts_with("https://") || action.starts_with("http://") {
        return action.to_string();
    }
    let scheme_end = page_url.find("://").map_or(0, |i| i + 3);
    let origin_end = page_url.get(scheme_end..).and_then(|r| r.find('/')).map_or(page_url.len(), |i| scheme_end + i);
    match action {
        "" => page_url.to_string(),
        a if a.starts_with("//") => [page_url.get(..scheme_end.saturating_sub(2)).unwrap_or("https:"), a].concat(),
        a if a.starts_with('/') => [page_url.get(..origin_end).unwrap_or_default(), a].concat(),
        a => {
            let dir_end = page_url.rfind('/').filter(|i| *i >= origin_end).map_or(page_url.len(), |i| i + 1);
            let dir = page_url.get(..dir_end).unwrap_or_default();
            [dir, if dir.ends_with('/') { "" } else { "/" }, a].concat()
        }
    }
}

/// Decodes `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;` and numeric references; anything
/// else is kept as written, as browsers do.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(rest.get(..i).unwrap_or_default());
        rest = rest.get(i..).unwrap_or_default();
        let end = rest.get(..12).unwrap_or(rest).find(';');
        let decoded = end.and_then(|e| {
            let name = rest.get(1..e)?;
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => '\u{a0}',
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code).filter(|c| *c != '\0')?
                }
            };
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = rest.get(len..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = rest.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(html: &str) -> Form {
        first_form(html, "https://bank.example/pay/Home/Gate", CardEntry::Server).unwrap()
    }

    #[test]
    fn reads_the_first_form_as_a_browser_submits_it() {
        let f = form(
            "<!DOCTYPE html><html><head><script>var s = '<form action=\"https://evil\">';</script>\
             <!-- <form action='https://commented'> --><APM_DO_NOT_TOUCH><x></APM_DO_NOT_TOUCH></head>\
             <body onload=\"go()\"><FORM Name=f ACTION='https://acs.example/pareq?a=1&amp;b=2' method=post>\
             <input type=hidden name=PaReq value=\"a&lt;b&#x26;c&#39;\">\n<input type='hidden' name='Empty'>\
             <input name=\"Term\" value='x\"y' /><input type=\"submit\" name=\"submit\" value=\"Go\">\
             <input type=checkbox name=c1 value=1><input type=checkbox name=c2 value=2 checked>\
             <textarea name=TA>t &amp; u</textarea><input value=\"no name\"></form>\
             <form action=\"https://second\"><input name=x value=y></form>",
        );
        assert_eq!(f.action, "https://acs.example/pareq?a=1&b=2");
        assert_eq!(f.method, "POST");
        let fields: Vec<(&str, &str)> = f.fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        assert_eq!(fields, [("PaReq", "a<b&c'"), ("Empty", ""), ("Term", "x\"y"), ("c2", "2"), ("TA", "t & u")]);
        assert_eq!(f.sensitive, ["PaReq", "Empty", "Term", "c2", "TA"]);
    }

    #[test]
    fn lenient_with_broken_pages() {
        // Never closed, GET, unknown entities kept, a stray quote.
        let f = form("<form method=GET action=/acs/start><input name=a value='1 &foo; &#xZZ; &'><input \"x\" name=b>");
        assert_eq!((f.action.as_str(), f.method), ("https://bank.example/acs/start", "GET"));
        assert_eq!(f.fields, [("a".to_string(), "1 &foo; &#xZZ; &".to_string()), ("b".to_string(), String::new())]);
        assert_eq!(form("<form action=''><input name=a>").action, "https://bank.example/pay/Home/Gate");
        assert_eq!(form("<form action='Next'>").action, "https://bank.example/pay/Home/Next");
        assert_eq!(form("<form action='//cdn.example/x'>").action, "https://cdn.example/x");
        assert_eq!(form("<form action=\"ÇĞ\"><input name=ş value=ı>").fields[0].1, "ı");
    }

    #[test]
    fn no_form_is_none() {
        let none = |html: &str| first_form(html, "https://b/", CardEntry::Server).is_none();
        for html in [
            "",
            "<",
            "<html><body>Runtime Error</body></html>",
            "<form",
            "<form action='x",
            "<!-- <form action=x>",
            "<script><form action=x>",
        ] {
            assert!(none(html), "{html}");
        }
        // A form whose later tag is cut off is cut off too.
        assert!(none("<form action=https://x><input name=a value='1"));
        assert!(!none("1 < 2 <form action=https://x>"));
        let many = "<form action=x>".to_string() + &"<input name=a>".repeat(MAX_POST_FIELDS + 1);
        assert!(first_form(&many, "https://b/", CardEntry::Server).is_none());
    }

    #[test]
    fn every_truncation_is_handled() {
        let page = "<!DOCTYPE x><html><!-- c --><script>a<b</script><textarea name=t>ş&#351;</textarea>\
                    <form action='/ş?a=1&amp;b' method=get><input type=hidden name=\"İ\" value='&#x15F;&;'>\
                    <textarea name=T>x</textarea><input name=u value=v></form>";
        for end in (0..=page.len()).filter(|i| page.is_char_boundary(*i)) {
            let _ = first_form(&page[..end], "https://b.example/p", CardEntry::Server);
        }
        let f = first_form(page, "https://b.example/p", CardEntry::Server).unwrap();
        assert_eq!(f.action, "https://b.example/ş?a=1&b");
        assert_eq!(f.fields.len(), 3);
        assert_eq!(f.fields[0], ("İ".to_string(), "ş&;".to_string()));
    }
}
