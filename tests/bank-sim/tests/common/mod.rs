//! The shop's side for the simulator's tests: the core builds and verifies every message (as the
//! plugin does), a small HTTP client sends them, and the simulator's own pages are read like a
//! browser would (the ACS form, the auto-submitting POST back).

#![allow(dead_code)]

use sanalpos_bank_sim::{merchants::Merchants, start, Options, Running};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

pub const APPROVE: &str = "4546711234567894";
pub const APPROVE_MC: &str = "5400360000000003";
pub const DECLINE: &str = "4111111111111129";
pub const THREE_D_FAIL: &str = "4131111111111117";
pub const THREE_D_ATTEMPT: &str = "4141111111111115";
pub const TIMEOUT: &str = "4129111111111111";
pub const SERVER_ERROR: &str = "4130111111111118";
pub const MALFORMED: &str = "4128111111111112";

/// The simulator's API delay for the timeout card, and how long this shop waits.
pub const API_DELAY: Duration = Duration::from_millis(1500);
pub const CLIENT_TIMEOUT: Duration = Duration::from_millis(400);

pub struct Bank {
    running: Option<Running>,
    pub url: String,
}

impl Drop for Bank {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            r.stop();
        }
    }
}

pub fn bank() -> Bank {
    let running = start(Options {
        port: 0,
        merchants: Merchants::parse(sanalpos_bank_sim::merchants::DEMO).unwrap(),
        db: ":memory:".into(),
        api_delay: API_DELAY,
    })
    .unwrap();
    let url = running.url();
    Bank { running: Some(running), url }
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// One HTTP/1.1 exchange with `Connection: close`; `Err` on a timeout.
pub fn http(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    timeout: Duration,
) -> Result<Reply, String> {
    let rest = url.strip_prefix("http://").ok_or("http only")?;
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    let mut stream = TcpStream::connect(host).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).map_err(|e| e.to_string())?;
    stream.write_all(body).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(|e| format!("read: {e}"))?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no header end")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).ok_or("status")?;
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_string(), v.trim().to_string())).collect();
    Ok(Reply { status, headers, body: raw[split + 4..].to_vec() })
}

pub fn get(url: &str) -> Reply {
    http("GET", url, &[], b"", Duration::from_secs(10)).unwrap()
}

pub fn post_form(url: &str, fields: &[(String, String)]) -> Reply {
    let body = sanalpos_core::gateway::text::urlencode_pairs(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let headers = [("Content-Type".to_string(), "application/x-www-form-urlencoded".to_string())];
    http("POST", url, &headers, body.as_bytes(), Duration::from_secs(10)).unwrap()
}

/// The core's answer envelope.
pub fn core(request: Value) -> Value {
    serde_json::from_str(&sanalpos_core::handle(&request.to_string())).unwrap()
}

/// The core's result; panics on an error answer.
pub fn ok(request: Value) -> Value {
    let answer = core(request);
    assert_eq!(answer["ok"], true, "{answer}");
    answer["result"].clone()
}

/// The account fields of every bank op for `family`, as the simulator publishes them.
pub fn account(bank: &Bank, family: &str) -> Value {
    let accounts = get(&format!("{}/admin/accounts", bank.url)).json();
    let a = &accounts[family];
    json!({"gateway": a["gateway"], "environment": "test", "credentials": a["credentials"], "endpoints": a["endpoints"]})
}

pub fn with(mut base: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

/// A fresh nonce each time, as a shop's engine gives (PayFlex's enrollment id is one).
pub fn entropy() -> Value {
    json!({"nonce": sanalpos_bank_sim::clock::random_hex(128).to_lowercase(), "now": "2026-11-27T10:00:00+03:00", "today": "2026-11-27"})
}

/// The shopper as the shop knows them (the payment service providers want name and address).
pub fn customer() -> Value {
    json!({"ip": "10.0.0.5", "email": "a@b.test", "name": "Ayşe Yılmaz", "phone": "05551112233",
           "address": "Atatürk Cad. 1", "city": "İstanbul", "country": "Türkiye"})
}

pub fn card(number: &str) -> Value {
    json!({"number": number, "expiry": "12/30", "cvv": "000", "holder": "Ayşe Yılmaz"})
}

/// An order the shop sends to the bank.
pub struct Order {
    pub id: String,
    pub amount: &'static str,
    pub installments: u32,
    pub tx_type: &'static str,
}

pub fn order(id: &str, amount: &'static str) -> Order {
    Order { id: id.into(), amount, installments: 1, tx_type: "sale" }
}

impl Order {
    pub fn json(&self) -> Value {
        json!({"id": self.id, "amount": self.amount, "currency": "TRY", "installments": self.installments, "tx_type": self.tx_type})
    }

    pub fn expected(&self) -> Value {
        json!({"order_id": self.id, "amount": self.amount, "currency": "TRY", "installments": self.installments, "tx_type": self.tx_type})
    }
}

/// `payment.prepare` and the browser's POST of the form to the bank's gate (the browser adds the
/// card fields the core names in `card_fields`). Returns the gate's answer.
pub fn submit(account: &Value, model: &str, order: &Order, number: &str) -> Reply {
    let form = prepared_form(account, model, order, number);
    post_form(form["action"].as_str().unwrap(), &with_browser_card(&form, number))
}

/// The form's fields, with the card added as a browser adds it where the core left it to the
/// browser (`card_fields`: names, expiry layouts, scheme codes).
pub fn with_browser_card(form: &Value, number: &str) -> Vec<(String, String)> {
    let mut fields = fields_of(form);
    let names = &form["card_fields"];
    let number_field = names["number"].as_str().unwrap_or_default();
    if form["card_entry"] != "browser" || fields.iter().any(|(k, _)| k == number_field) {
        return fields;
    }
    let add = |fields: &mut Vec<(String, String)>, name: &Value, value: String| {
        if let Some(n) = name.as_str() {
            fields.push((n.to_string(), value));
        }
    };
    add(&mut fields, &names["number"], number.to_string());
    for part in names["expiry"].as_array().unwrap() {
        let layout = part[1].as_str().unwrap();
        add(&mut fields, &part[0], layout.replace("YYYY", "2030").replace("YY", "30").replace("MM", "12"));
    }
    add(&mut fields, &names["cvv"], "000".to_string());
    add(&mut fields, &names["holder"], "AYSE YILMAZ".to_string());
    if let Some(codes) = names["brand"][1].as_array() {
        let brand = if number.starts_with('5') { "mastercard" } else { "visa" };
        if let Some(code) = codes.iter().find(|c| c[0] == brand) {
            add(&mut fields, &names["brand"][0], code[1].as_str().unwrap().to_string());
        }
    }
    fields
}

pub fn prepared_form(account: &Value, model: &str, order: &Order, number: &str) -> Value {
    let mut step = ok(with(
        with(account.clone(), entropy()),
        json!({"op": "payment.prepare", "model": model, "order": order.json(), "card": card(number),
               "urls": {"ok": "http://shop.test/ok", "fail": "http://shop.test/fail"}, "customer": customer()}),
    ));
    // POSNET: the bank seals the card server-to-server before its form.
    if step["type"] == "http" {
        let parsed = parse(account, &step["http"], &send(&step["http"]).expect("the bank answers"));
        step = parsed["result"]["next"].clone();
    }
    // ParamPos: the bank's page, shown as it is; its form takes the shopper on.
    if step["type"] == "html" {
        let (action, fields) = auto_post(step["html"].as_str().unwrap());
        let fields: Vec<Value> = fields.into_iter().map(|(k, v)| json!({"name": k, "value": v})).collect();
        return json!({"action": action, "method": "POST", "fields": fields, "card_fields": null});
    }
    assert_eq!(step["type"], "form", "{step}");
    step["form"].clone()
}

/// Sends a server-to-server step and the steps that follow it (POSNET resolves, then provisions);
/// returns the last `api.parse` envelope.
pub fn follow(account: &Value, first: &Value) -> Value {
    let mut step = first.clone();
    loop {
        let parsed = parse(account, &step, &send(&step).expect("the bank answers"));
        let next = &parsed["result"]["next"];
        if parsed["result"]["outcome"] != "needs_provision" || next["type"] != "http" {
            return parsed;
        }
        step = next["http"].clone();
    }
}

pub fn fields_of(form: &Value) -> Vec<(String, String)> {
    form["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap().to_string(), f["value"].as_str().unwrap().to_string()))
        .collect()
}

/// Follows the gate's redirect to the ACS page, answers it, and returns the POST back to the shop
/// (its action and fields) from the auto-submitting page.
pub fn through_acs(bank: &Bank, gate: &Reply, action: &str, code: &str) -> (String, Vec<(String, String)>) {
    if gate.status != 303 {
        return back(gate);
    }
    let acs = format!("{}{}", bank.url, gate.header("Location").unwrap());
    let page = get(&acs);
    if !page.text().contains("otp-hint") {
        // Decided without a challenge: the ACS sends the shopper straight back.
        let (url, fields) = back(&page);
        return if fields.is_empty() { (url, latest_notification(bank)) } else { (url, fields) };
    }
    assert!(page.text().contains("123456"), "the ACS page shows the simulator's one-time code");
    let answer = post_form(&acs, &[("action".into(), action.into()), ("code".into(), code.into())]);
    let (url, fields) = back(&answer);
    if fields.is_empty() {
        // PayTR: the shopper comes back empty-handed; the result is in the notification.
        return (url, latest_notification(bank));
    }
    (url, fields)
}

/// The fields of the last server-to-server notification the simulator sent.
pub fn latest_notification(bank: &Bank) -> Vec<(String, String)> {
    let all = get(&format!("{}/admin/notifications", bank.url)).json();
    let last = all["notifications"].as_array().and_then(|l| l.last()).cloned().expect("a notification");
    last["fields"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string())).collect()
}

/// Where the bank sends the shopper back, and with what: an auto-submitting form, or (VakıfBank
/// Common Payment) a redirect whose query carries the fields.
pub fn back(reply: &Reply) -> (String, Vec<(String, String)>) {
    if reply.status != 302 {
        return auto_post(&reply.text());
    }
    let location = reply.header("Location").expect("a redirect back to the shop");
    let (url, query) = location.split_once('?').unwrap_or((location, ""));
    let post = sanalpos_core::gateway::RawPost::from_urlencoded(query, "query").unwrap();
    let fields = post.iter().map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v).into_owned())).collect();
    (url.to_string(), fields)
}

/// Reads the bank's auto-submitting form as a browser would.
pub fn auto_post(html: &str) -> (String, Vec<(String, String)>) {
    let attr = |tag: &str, name: &str| -> String {
        let key = format!("{name}=\"");
        tag.split(&key).nth(1).and_then(|r| r.split('"').next()).map(unescape).unwrap_or_default()
    };
    let form = html.split("<form").nth(1).expect("an auto-submitting form");
    let action = attr(form.split('>').next().unwrap(), "action");
    let fields = form
        .split("<input ")
        .skip(1)
        .map(|tag| {
            let tag = tag.split('>').next().unwrap();
            (attr(tag, "name"), attr(tag, "value"))
        })
        .collect();
    (action, fields)
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

pub fn verify(account: &Value, model: &str, order: &Order, post: &[(String, String)]) -> Value {
    let post: serde_json::Map<String, Value> = post.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    ok(with(
        with(account.clone(), entropy()),
        json!({"op": "callback.verify", "model": model, "post": post, "expected": order.expected(),
               "urls": {"ok": "http://shop.test/ok", "fail": "http://shop.test/fail"},
               "customer": customer()}),
    ))
}

/// Sends an `http` step; `None` when the bank did not answer in time.
pub fn send(http_step: &Value) -> Option<Reply> {
    let body = sanalpos_core::gateway::crypto::base64_decode(http_step["body_base64"].as_str().unwrap()).unwrap();
    let headers: Vec<(String, String)> = http_step["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["name"].as_str().unwrap().to_string(), h["value"].as_str().unwrap().to_string()))
        .collect();
    http("POST", http_step["url"].as_str().unwrap(), &headers, &body, CLIENT_TIMEOUT).ok()
}

/// `api.parse` of an answer (the core's envelope: a bad or failed answer is an error code).
pub fn parse(account: &Value, http_step: &Value, reply: &Reply) -> Value {
    core(with(
        account.clone(),
        json!({"op": "api.parse", "context": http_step["context"],
               "response": {"status": reply.status, "body_base64": sanalpos_core::gateway::crypto::base64(&reply.body)}}),
    ))
}

/// Builds, sends and parses one server-to-server operation.
pub fn operate(account: &Value, operation: &str, order: &Order, amount: &str, references: &Value) -> Value {
    let mut o = order.json();
    o["amount"] = json!(amount);
    let step = ok(with(
        with(account.clone(), entropy()),
        json!({"op": "api.request", "operation": operation, "order": o, "references": references,
               "customer": customer()}),
    ))["http"]
        .clone();
    let reply = send(&step).expect("the bank answers");
    parse(account, &step, &reply)
}

pub fn ledger(bank: &Bank, order_id: &str) -> Value {
    get(&format!("{}/admin/ledger?order_id={order_id}", bank.url)).json()
}
