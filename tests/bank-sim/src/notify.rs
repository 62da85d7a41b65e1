//! Server-to-server notifications (PayTR's "Bildirim URL"): the provider posts the payment's
//! result to one address the merchant set in its panel, and posts it again until the shop answers
//! the plain text `OK`. Here the address is set per family with `POST /admin/notification-url`
//! (`family`, `url`: plain http to 127.0.0.1 only), and every notification is kept with its
//! deliveries for tests (`GET /admin/notifications`).

use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

/// Waits before each delivery: at once, then again while the shop does not answer `OK`.
const RETRIES: [Duration; 5] = [
    Duration::ZERO,
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
];

#[derive(Clone)]
struct Notice {
    family: &'static str,
    order_id: String,
    url: String,
    fields: Vec<(String, String)>,
    /// (HTTP status, or 0 when the shop did not answer; the answer's first 200 bytes).
    deliveries: Vec<(u16, String)>,
}

#[derive(Default)]
pub struct Notifications {
    urls: Mutex<HashMap<String, String>>,
    sent: Arc<Mutex<Vec<Notice>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Notifications {
    /// Sets where `family`'s notifications go; `None` for an address that is not plain http to
    /// 127.0.0.1.
    pub fn set_url(&self, family: &str, url: &str) -> Option<()> {
        let rest = url.strip_prefix("http://")?;
        let host = rest.split('/').next()?;
        if !(host == "127.0.0.1" || host.starts_with("127.0.0.1:")) {
            return None;
        }
        lock(&self.urls).insert(family.to_string(), url.to_string());
        Some(())
    }

    /// Records a notification and, when the family has an address, delivers it in the background.
    pub fn send(&self, family: &'static str, order_id: &str, fields: Vec<(String, String)>) {
        let url = lock(&self.urls).get(family).cloned().unwrap_or_default();
        let index = {
            let mut sent = lock(&self.sent);
            sent.push(Notice {
                family,
                order_id: order_id.to_string(),
                url: url.clone(),
                fields: fields.clone(),
                deliveries: Vec::new(),
            });
            sent.len() - 1
        };
        if url.is_empty() {
            return;
        }
        let sent = Arc::clone(&self.sent);
        thread::spawn(move || {
            let body =
                sanalpos_core::gateway::text::urlencode_pairs(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            for wait in RETRIES {
                thread::sleep(wait);
                let (status, answer) = post(&url, &body).unwrap_or((0, String::new()));
                let ok = status == 200 && answer.trim() == "OK";
                let shown: String = answer.chars().take(200).collect();
                if let Some(n) = lock(&sent).get_mut(index) {
                    n.deliveries.push((status, shown));
                }
                if ok {
                    return;
                }
            }
        });
    }

    /// The notifications (of one order when given), oldest first.
    pub fn json(&self, order_id: Option<&str>) -> Value {
        let list: Vec<Value> = lock(&self.sent)
            .iter()
            .filter(|n| order_id.is_none_or(|o| o == n.order_id))
            .map(|n| {
                let fields: serde_json::Map<String, Value> =
                    n.fields.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
                let deliveries: Vec<Value> =
                    n.deliveries.iter().map(|(s, a)| json!({"status": s, "answer": a})).collect();
                json!({"family": n.family, "order_id": n.order_id, "url": n.url, "fields": fields, "deliveries": deliveries})
            })
            .collect();
        json!({"notifications": list})
    }

    pub fn clear(&self) {
        lock(&self.sent).clear();
    }
}

/// One form POST over plain HTTP/1.1; the status and the body.
fn post(url: &str, body: &str) -> Option<(u16, String)> {
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    let mut stream = TcpStream::connect(host).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\nUser-Agent: sanalpos-bank-sim\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body.as_bytes()).ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.lines().next()?.split(' ').nth(1)?.parse().ok()?;
    let mut body = raw[split + 4..].to_vec();
    if head.lines().any(|l| l.to_ascii_lowercase().replace(' ', "") == "transfer-encoding:chunked") {
        body = dechunk(&body);
    }
    Some((status, String::from_utf8_lossy(&body).into_owned()))
}

/// A chunked body's data.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = raw.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&raw[..end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok());
        let Some(size) = size.filter(|s| *s > 0) else { break };
        let start = end + 2;
        let Some(chunk) = raw.get(start..start + size) else { break };
        out.extend_from_slice(chunk);
        raw = raw.get(start + size + 2..).unwrap_or(&[]);
    }
    out
}
