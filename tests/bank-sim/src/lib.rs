//! sanalpos-bank-sim: a local bank for end-to-end tests and the demo shop. For every family it
//! speaks it runs the 3D gate (checking the request signature with the merchant's credentials),
//! an ACS challenge page, the signed POST back to the shop, and the server-to-server API, and it
//! keeps a ledger of what it booked. Signatures are computed with the core's `signature.compute`
//! (the same formulas the shop uses), so a mismatch means the shop sent something else.
//!
//! Routes: `/{family}/…` (the family's gate and API paths), `/acs/{id}`, and for tests
//! `/admin/ledger?order_id=…`, `/admin/reset` (POST), `/admin/cards`, `/admin/accounts`,
//! `/admin/notifications` and `/admin/notification-url` (POST).

pub mod bank;
pub mod cards;
pub mod clock;
pub mod http;
pub mod ledger;
pub mod merchants;
pub mod notify;
pub mod three_d;

mod akbank;
mod boa;
mod garanti;
mod interpos;
mod iyzico;
mod nestpay;
mod param;
mod payflex;
mod payfor;
mod paytr;
mod posnet;
mod posnet_v1;
mod tosla;

use http::{Request, Response};
use ledger::Ledger;
use merchants::Merchants;
use serde_json::{json, Value};
use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread;
use std::time::Duration;
use three_d::{Authentication, Session, Sessions};

/// The families the simulator speaks, by core gateway id.
pub const FAMILIES: &[&str] = &[
    "nestpay",
    "garanti",
    "akbank",
    "payfor",
    "interpos",
    "posnet",
    "posnet_v1",
    "tosla",
    "kuveyt",
    "vakif_katilim",
    "payflex",
    "payflex_cp",
    "param",
    "iyzico",
    "paytr",
];

/// Requests served at the same time (the timeout card holds one for the API delay).
const WORKERS: usize = 16;

/// One family's bank.
pub trait Family: Sync {
    /// The core's gateway id.
    fn id(&self) -> &'static str;
    /// The core's endpoint ids (`gate_3d`, `api`…) and where they are served under `/{id}/` (the
    /// bank's own paths). A path also takes requests below it (`…/MerchantJSONAPI.svc/Sale`).
    /// Ids starting with `_` are the bank's own pages, which the shop does not configure.
    fn endpoints(&self) -> &'static [(&'static str, &'static str)];
    /// A `POST` to one of the endpoints.
    fn serve(&self, sim: &Sim, endpoint: &str, req: &Request) -> Response;
    /// Where the shopper is sent back after the ACS, with the family's signed fields.
    fn callback(&self, sim: &Sim, session: &Session, auth: &Authentication) -> (String, Vec<(String, String)>);
    /// How the browser is sent back: `post`, or `get` (VakıfBank Common Payment).
    fn return_method(&self) -> &'static str {
        "post"
    }
}

static BANKS: &[&dyn Family] = &[
    &nestpay::NestPay,
    &garanti::Garanti,
    &akbank::Akbank,
    &payfor::PayFor,
    &interpos::InterPos,
    &posnet::PosNet,
    &posnet_v1::PosNetV1,
    &tosla::Tosla,
    &boa::KUVEYT,
    &boa::VAKIF_KATILIM,
    &payflex::PAYFLEX,
    &payflex::PAYFLEX_CP,
    &param::Param,
    &iyzico::Iyzico,
    &paytr::PayTr,
];

pub struct Options {
    pub port: u16,
    pub merchants: Merchants,
    /// The ledger file (`:memory:` for none).
    pub db: String,
    /// How long the "API timeout" card's answer is held back.
    pub api_delay: Duration,
}

pub struct Sim {
    pub merchants: Merchants,
    pub ledger: Ledger,
    pub sessions: Sessions,
    pub notifications: notify::Notifications,
    pub api_delay: Duration,
}

impl Sim {
    pub fn family(&self, id: &str) -> Option<&'static dyn Family> {
        BANKS.iter().copied().find(|f| f.id() == id)
    }

    /// Serves one request.
    pub fn handle(&self, req: &Request) -> Response {
        let path = req.path.trim_start_matches('/');
        let (head, rest) = path.split_once('/').unwrap_or((path, ""));
        match (req.method.as_str(), head) {
            (_, "acs") => {
                let answer = (req.method == "POST").then(|| {
                    let form = req.form().unwrap_or_default();
                    (form.text("action"), form.text("code"))
                });
                self.sessions.acs(self, rest, answer)
            }
            ("GET", "admin") if rest == "ledger" => match req.param("order_id") {
                Some(order) => {
                    // POSNET books the bank's 20-character xid: the order id left-padded with 0.
                    let report = self.ledger.report(&order);
                    let padded = if report["entries"] == json!([]) { Some(format!("{order:0>20}")) } else { None };
                    Response::json(200, &padded.map_or(report, |p| self.ledger.report(&p)))
                }
                None => {
                    let orders: Vec<Value> = self.ledger.entries(None).iter().map(|(k, _)| json!(k.order_id)).collect();
                    Response::json(200, &json!({"orders": orders}))
                }
            },
            ("GET", "admin") if rest == "cards" => Response::json(200, &cards::table()),
            ("GET", "admin") if rest == "accounts" => Response::json(200, &self.accounts(&base_url(req))),
            ("GET", "admin") if rest == "notifications" => {
                Response::json(200, &self.notifications.json(req.param("order_id").as_deref()))
            }
            ("POST", "admin") if rest == "notification-url" => {
                let form = req.form().unwrap_or_default();
                match self.notifications.set_url(&form.text("family"), &form.text("url")) {
                    Some(()) => Response::json(200, &json!({"family": form.text("family"), "url": form.text("url")})),
                    None => Response::json(400, &json!({"error": "url: plain http to 127.0.0.1 only"})),
                }
            }
            ("POST", "admin") if rest == "reset" => {
                self.sessions.clear();
                self.notifications.clear();
                match self.ledger.reset() {
                    Ok(()) => Response::json(200, &json!({"reset": true})),
                    Err(e) => Response::json(500, &json!({"error": e.to_string()})),
                }
            }
            ("GET", "") => Response::html(http::page("sanalpos bank simulator", &index())),
            _ => {
                let Some(f) = self.family(head) else { return Response::not_found() };
                // An exact path first, then a path below an endpoint (POSNET V1: `…/Sale`).
                let endpoints = f.endpoints();
                let exact = endpoints.iter().find(|(_, path)| rest.eq_ignore_ascii_case(path));
                match exact.or_else(|| endpoints.iter().find(|(_, path)| under(rest, path))) {
                    Some((endpoint, _)) => f.serve(self, endpoint, req),
                    None => Response::not_found(),
                }
            }
        }
    }

    /// Every family's account as a shop configures it: the core's gateway id, the credentials,
    /// and the endpoints (`gate_3d`, `api`) on this simulator.
    pub fn accounts(&self, base: &str) -> Value {
        let mut out = serde_json::Map::new();
        for f in BANKS {
            if let Some(account) = self.merchants.account(f.id()) {
                let endpoints: serde_json::Map<String, Value> = f
                    .endpoints()
                    .iter()
                    .filter(|(id, _)| !id.starts_with('_'))
                    .map(|(id, path)| (id.to_string(), json!(format!("{base}/{}/{path}", f.id()))))
                    .collect();
                out.insert(
                    f.id().into(),
                    json!({"name": account.name, "gateway": f.id(), "credentials": account.credentials(), "endpoints": endpoints}),
                );
            }
        }
        Value::Object(out)
    }
}

/// Whether `path` is below `base`, ignoring ASCII case.
fn under(path: &str, base: &str) -> bool {
    if base.ends_with('/') {
        // A path that takes an id (PayTR's `odeme/guvenli/<token>`).
        return path.len() > base.len() && path.get(..base.len()).is_some_and(|p| p.eq_ignore_ascii_case(base));
    }
    path.get(..base.len()).is_some_and(|p| p.eq_ignore_ascii_case(base))
        && path.as_bytes().get(base.len()) == Some(&b'/')
}

/// `http://host:port` as the client addressed this server.
fn base_url(req: &Request) -> String {
    format!("http://{}", req.header("Host").unwrap_or("127.0.0.1"))
}

fn index() -> String {
    let mut rows = String::new();
    for c in cards::CARDS {
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            c.number,
            c.outcome.id(),
            http::escape(c.origin)
        ));
    }
    format!(
        "<h1>sanalpos bank simulator</h1><p>Families: {}. Expiry {}, CVV {}, one-time code {}. Other valid cards are \
         approved.</p><table><tr><th>card</th><th>outcome</th><th>origin</th></tr>{rows}</table>",
        FAMILIES.join(", "),
        cards::EXPIRY,
        cards::CVV,
        cards::OTP
    )
}

/// A running simulator.
pub struct Running {
    pub addr: SocketAddr,
    server: Arc<tiny_http::Server>,
    workers: Vec<thread::JoinHandle<()>>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting requests and waits for the workers.
    pub fn stop(self) {
        self.server.unblock();
        for _ in 1..self.workers.len() {
            self.server.unblock();
        }
        for w in self.workers {
            let _ = w.join();
        }
    }

    /// Serves until the process ends.
    pub fn wait(self) {
        for w in self.workers {
            let _ = w.join();
        }
    }
}

/// Starts the simulator on 127.0.0.1 (never another interface).
pub fn start(options: Options) -> Result<Running, String> {
    let ledger = Ledger::open(&options.db).map_err(|e| format!("ledger {}: {e}", options.db))?;
    let server = tiny_http::Server::http(("127.0.0.1", options.port)).map_err(|e| format!("listen: {e}"))?;
    let addr = server.server_addr().to_ip().ok_or("not an IP listener")?;
    let server = Arc::new(server);
    let sim = Arc::new(Sim {
        merchants: options.merchants,
        ledger,
        sessions: Sessions::default(),
        notifications: notify::Notifications::default(),
        api_delay: options.api_delay,
    });
    let workers = (0..WORKERS)
        .map(|_| {
            let (server, sim) = (Arc::clone(&server), Arc::clone(&sim));
            thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    serve(&sim, request);
                }
            })
        })
        .collect();
    Ok(Running { addr, server, workers })
}

fn serve(sim: &Sim, mut request: tiny_http::Request) {
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let mut body = Vec::new();
    let too_large = request.as_reader().take(http::MAX_BODY as u64 + 1).read_to_end(&mut body).is_err()
        || body.len() > http::MAX_BODY;
    let req = Request {
        method: request.method().as_str().to_ascii_uppercase(),
        path: path.to_string(),
        query: query.to_string(),
        headers: request.headers().iter().map(|h| (h.field.to_string(), h.value.to_string())).collect(),
        body,
    };
    let answer = if too_large { Response::new(413, "text/plain", "Request too large") } else { sim.handle(&req) };
    if !answer.delay.is_zero() {
        thread::sleep(answer.delay);
    }
    let mut response = tiny_http::Response::from_data(answer.body).with_status_code(answer.status);
    let headers = std::iter::once(("Content-Type", answer.content_type.to_string())).chain(answer.headers);
    for (name, value) in headers {
        if let Ok(h) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(h);
        }
    }
    // The client may have given up (timeout card): nothing to do about a broken pipe.
    let _ = request.respond(response);
}

/// A signature by the core's `signature.compute`: the same formula the shop's side uses.
pub fn signature(kind: &str, inputs: Value) -> String {
    let answer = sanalpos_core::handle(&json!({"op": "signature.compute", "kind": kind, "inputs": inputs}).to_string());
    serde_json::from_str::<Value>(&answer)
        .ok()
        .and_then(|v| v["result"]["value"].as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Form fields as the JSON object `signature.compute` takes.
pub fn fields_json<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Value {
    Value::Object(fields.into_iter().map(|(k, v)| (k.to_string(), Value::String(v.to_string()))).collect())
}
