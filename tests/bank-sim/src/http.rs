//! Requests and answers as the simulator sees them, and the two HTML pages every family needs:
//! the browser's auto-submitting POST back to the shop, and plain error pages.

use sanalpos_core::gateway::text::urlencode;
use sanalpos_core::gateway::RawPost;
use std::time::Duration;

/// Largest request body accepted (bank forms and XML are a few KB).
pub const MAX_BODY: usize = 1 << 20;

pub struct Request {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as a form post (`application/x-www-form-urlencoded`), fields in posted order.
    pub fn form(&self) -> Option<RawPost> {
        RawPost::from_urlencoded(std::str::from_utf8(&self.body).ok()?, "body").ok()
    }

    /// A query-string parameter.
    pub fn param(&self, name: &str) -> Option<String> {
        let post = RawPost::from_urlencoded(&self.query, "query").ok()?;
        post.opt_text(name)
    }
}

pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    /// Held back this long before the answer is written (the "API timeout" card).
    pub delay: Duration,
}

impl Response {
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Response {
        Response { status, content_type, headers: Vec::new(), body: body.into(), delay: Duration::ZERO }
    }

    pub fn html(body: String) -> Response {
        Response::new(200, "text/html; charset=UTF-8", body)
    }

    pub fn json(status: u16, value: &serde_json::Value) -> Response {
        Response::new(status, "application/json", value.to_string())
    }

    pub fn redirect(location: String) -> Response {
        let mut r = Response::new(303, "text/plain; charset=UTF-8", "See Other");
        r.headers.push(("Location", location));
        r
    }

    pub fn not_found() -> Response {
        Response::new(404, "text/plain; charset=UTF-8", "Not found")
    }

    /// A plain HTML page with a heading and a message (unknown session, bad request…).
    pub fn error_page(status: u16, title: &str, message: &str) -> Response {
        let mut r = Response::html(page(title, &format!("<h1>{}</h1><p>{}</p>", escape(title), escape(message))));
        r.status = status;
        r
    }
}

/// HTML-escapes text for element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A complete page in the simulator's plain look.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"tr\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1d2a3a}}\
         .bank{{border:1px solid #c9d3df;border-radius:8px;padding:1.5rem}}.note{{color:#5b6b7f;font-size:.9rem}}\
         dt{{font-weight:600}}dd{{margin:0 0 .6rem}}input{{font-size:1.2rem;padding:.3rem;width:8rem}}\
         button{{font-size:1rem;padding:.45rem 1rem;margin:.6rem .4rem 0 0}}.error{{color:#b3261e}}</style></head>\
         <body><p class=\"note\">sanalpos bank simulator — not a real bank</p>{}</body></html>",
        escape(title),
        body
    )
}

/// The page a bank shows when it sends the shopper back: a form of `fields` that the browser posts
/// to `action` at once (a button when scripts are off).
pub fn auto_post(action: &str, fields: &[(String, String)]) -> Response {
    auto_submit("post", action, fields)
}

/// As [`auto_post`]; with `method` `get` (banks that send the shopper back with a GET) a redirect
/// to `action` with the fields added to its query (a form would drop the query the shop put in its
/// return URL).
pub fn auto_submit(method: &str, action: &str, fields: &[(String, String)]) -> Response {
    if method == "get" {
        let query: Vec<String> = fields.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect();
        let glue = match (fields.is_empty(), action.contains('?')) {
            (true, _) => "",
            (false, true) => "&",
            (false, false) => "?",
        };
        let mut r = Response::redirect(format!("{action}{glue}{}", query.join("&")));
        r.status = 302;
        r.body = b"Found".to_vec();
        return r;
    }
    let mut inputs = String::new();
    for (name, value) in fields {
        inputs.push_str(&format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", escape(name), escape(value)));
    }
    Response::html(page(
        "Returning to the shop",
        &format!(
            "<form id=\"bank-return\" method=\"{method}\" action=\"{}\" accept-charset=\"UTF-8\">{inputs}\
             <p>Returning to the shop…</p><noscript><button type=\"submit\">Continue</button></noscript></form>\
             <script>document.getElementById('bank-return').submit();</script>",
            escape(action)
        ),
    ))
}
