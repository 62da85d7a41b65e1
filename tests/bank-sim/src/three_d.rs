//! 3-D Secure as the simulated banks run it, the same for every family: the gate opens a
//! session, the ACS page asks for the one-time code (or is skipped for cards whose outcome is
//! decided without a challenge), and the result goes back to the family, which signs the POST to
//! the shop. A successful authentication is kept for the `3d` model's provision request.

use crate::cards::{self, Outcome};
use crate::clock;
use crate::http::{escape, page, Response};
use crate::ledger::{Booking, Entry, Kind, NewPayment, OrderKey, Verdict};
use crate::Sim;
use sanalpos_core::gateway::crypto::{base64, hash, Digest, Encoding};
use sanalpos_core::money::Money;
use std::collections::HashMap;
use std::sync::Mutex;

/// Wrong codes allowed on the ACS page before authentication fails.
const MAX_TRIES: u8 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// The bank authenticates; the shop provisions server-to-server.
    ThreeD,
    /// The bank authenticates and charges.
    ThreeDPay,
}

/// What the gate accepted: one payment waiting for its 3D authentication.
#[derive(Debug, Clone)]
pub struct Session {
    pub family: &'static str,
    pub merchant: String,
    pub merchant_name: String,
    pub model: Model,
    pub order_id: String,
    pub amount: Money,
    pub installments: u32,
    pub preauth: bool,
    pub pan: String,
    pub ok_url: String,
    pub fail_url: String,
    /// The request fields the bank echoes in its callback (no card data), in posted order.
    pub echo: Vec<(String, String)>,
}

impl Session {
    pub fn key(&self) -> OrderKey {
        OrderKey { family: self.family, merchant: self.merchant.clone(), order_id: self.order_id.clone() }
    }

    pub fn outcome(&self) -> Outcome {
        cards::outcome(&self.pan)
    }

    /// First six, `*`, last four (`454671******7894`).
    pub fn masked_pan(&self) -> String {
        crate::bank::mask(&self.pan)
    }

    pub fn mastercard(&self) -> bool {
        matches!(self.pan.as_bytes().first(), Some(b'2' | b'5'))
    }

    /// The echoed request field `name`.
    pub fn echoed(&self, name: &str) -> &str {
        self.echo.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
    }
}

/// The ACS's answer, and for `3d_pay` the charge that followed.
#[derive(Debug, Clone)]
pub struct Authentication {
    /// `1` authenticated, `4` attempted (card not enrolled), `0` failed.
    pub md_status: &'static str,
    /// The authentication's reference the `3d` provision presents back.
    pub md: String,
    pub xid: String,
    pub cavv: String,
    /// ECI: Visa 05/06, Mastercard 02/01 for full/attempt; empty on failure.
    pub eci: &'static str,
    /// `3d_pay` only: the booked charge, or why the bank refused it.
    pub charge: Option<Booking>,
}

impl Authentication {
    pub fn authenticated(&self) -> bool {
        self.md_status != "0"
    }

    /// Whether the shopper goes back to the success URL: authenticated, and for `3d_pay` charged.
    pub fn succeeded(&self) -> bool {
        if self.charge.is_some() {
            self.charged().is_some()
        } else {
            self.authenticated()
        }
    }

    /// The charge was booked and approved.
    pub fn charged(&self) -> Option<&Entry> {
        self.charge.as_ref().filter(|b| b.verdict == Verdict::Approved).map(|b| &b.entry)
    }
}

/// A `3d` authentication (successful or not) waiting for its provision, keyed by its `md`.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub session: Session,
    pub auth: Authentication,
}

#[derive(Default)]
pub struct Sessions {
    /// Payments a bank accepted server-to-server before its 3D page (POSNET's `oosRequestData`).
    staged: Mutex<HashMap<String, Session>>,
    pending: Mutex<HashMap<String, (Session, u8)>>,
    authenticated: Mutex<HashMap<String, Authenticated>>,
}

impl Sessions {
    /// Opens a session and returns the ACS address (`/acs/{id}`) the shopper's browser goes to.
    pub fn open(&self, session: Session) -> String {
        let id = clock::random_hex(32);
        lock(&self.pending).insert(id.clone(), (session, 0));
        format!("/acs/{id}")
    }

    /// Opens a session and sends the shopper's browser to the ACS.
    pub fn redirect(&self, session: Session) -> Response {
        Response::redirect(self.open(session))
    }

    /// `GET /acs/{id}`: the challenge page; `POST`: the shopper's answer.
    pub fn acs(&self, sim: &Sim, id: &str, answer: Option<(String, String)>) -> Response {
        let Some((session, tries)) = lock(&self.pending).get(id).cloned() else {
            return Response::error_page(
                404,
                "Oturum bulunamadı",
                "This 3-D Secure session is unknown or already used.",
            );
        };
        // Cards the directory server decides without a challenge.
        let decided = match session.outcome() {
            Outcome::ThreeDFail => Some("0"),
            Outcome::ThreeDAttempt => Some("4"),
            _ => None,
        };
        if let Some(md_status) = decided {
            if lock(&self.pending).remove(id).is_some() {
                return finish(sim, session, md_status);
            }
        }
        let Some((action, code)) = answer else {
            return Response::html(challenge(&session, id, None));
        };
        // A bank page posting the shopper on to the ACS: show the challenge (as a GET).
        if action.is_empty() {
            return Response::redirect(format!("/acs/{id}"));
        }
        if action != "fail" && code.trim() != cards::OTP && tries + 1 < MAX_TRIES {
            let left = MAX_TRIES - tries - 1;
            lock(&self.pending).insert(id.to_string(), (session.clone(), tries + 1));
            return Response::html(challenge(&session, id, Some(left)));
        }
        // One answer per session: a second POST (back button, double click) finds nothing.
        if lock(&self.pending).remove(id).is_none() {
            return Response::error_page(404, "Oturum bulunamadı", "This 3-D Secure session was already answered.");
        }
        let md_status = if action != "fail" && code.trim() == cards::OTP { "1" } else { "0" };
        finish(sim, session, md_status)
    }

    /// Keeps a payment until the browser brings it to the 3D page.
    pub fn stage(&self, key: String, session: Session) {
        lock(&self.staged).insert(key, session);
    }

    /// The staged payment, once.
    pub fn unstage(&self, key: &str) -> Option<Session> {
        lock(&self.staged).remove(key)
    }

    /// Takes the successful authentication that `md` names, once: a second provision with it finds
    /// nothing.
    pub fn take_authenticated(&self, md: &str) -> Option<Authenticated> {
        let mut all = lock(&self.authenticated);
        all.get(md).filter(|a| a.auth.authenticated())?;
        all.remove(md)
    }

    /// The successful authentication of a session whose echoed `field` is `value`, once (banks
    /// whose provision names the 3D step by another id than the MD).
    pub fn take_authenticated_by(&self, field: &str, value: &str) -> Option<Authenticated> {
        let mut all = lock(&self.authenticated);
        let md = all
            .iter()
            .find(|(_, a)| a.auth.authenticated() && !value.is_empty() && a.session.echoed(field) == value)
            .map(|(md, _)| md.clone())?;
        all.remove(&md)
    }

    /// The authentication `md` names, successful or not, without using it up.
    pub fn authentication(&self, md: &str) -> Option<Authenticated> {
        lock(&self.authenticated).get(md).cloned()
    }

    /// Puts an authentication back when its provision was refused before anything was booked.
    pub fn keep_authenticated(&self, authenticated: Authenticated) {
        lock(&self.authenticated).insert(authenticated.auth.md.clone(), authenticated);
    }

    pub fn clear(&self) {
        lock(&self.staged).clear();
        lock(&self.pending).clear();
        lock(&self.authenticated).clear();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Completes the authentication: books the `3d_pay` charge, keeps a `3d` authentication for its
/// provision, and sends the shopper back with the family's signed POST.
fn finish(sim: &Sim, session: Session, md_status: &'static str) -> Response {
    let mc = session.mastercard();
    let eci = match (md_status, mc) {
        ("1", false) => "05",
        ("1", true) => "02",
        ("0", _) => "",
        (_, false) => "06",
        (_, true) => "01",
    };
    let md = hash(Digest::Sha256, Encoding::HexUpper, &clock::random_bytes(32));
    let mut auth = Authentication {
        md_status,
        md,
        xid: base64(&clock::random_bytes(20)),
        cavv: if md_status == "0" { String::new() } else { base64(&clock::random_bytes(20)) },
        eci,
        charge: None,
    };
    match session.model {
        Model::ThreeDPay if auth.authenticated() => {
            auth.charge = Some(sim.ledger.pay(
                &session.key(),
                NewPayment {
                    kind: if session.preauth { Kind::PreAuth } else { Kind::Sale },
                    amount: session.amount.minor(),
                    currency: session.amount.currency().alpha.to_string(),
                    installments: session.installments,
                    approved: session.outcome() != Outcome::Decline,
                    masked_pan: session.masked_pan(),
                },
            ));
        }
        Model::ThreeDPay => {}
        Model::ThreeD => {
            let kept = Authenticated { session: session.clone(), auth: auth.clone() };
            lock(&sim.sessions.authenticated).insert(auth.md.clone(), kept);
        }
    }
    let Some(family) = sim.family(session.family) else { return Response::not_found() };
    let (url, fields) = family.callback(sim, &session, &auth);
    crate::http::auto_submit(family.return_method(), &url, &fields)
}

/// The ACS challenge page.
fn challenge(session: &Session, id: &str, tries_left: Option<u8>) -> String {
    let warning = tries_left.map_or(String::new(), |n| {
        format!("<p class=\"error\" id=\"otp-error\">Wrong code. {n} attempt(s) left. / Hatalı kod.</p>")
    });
    page(
        "3-D Secure",
        &format!(
            "<div class=\"bank\"><h1>3-D Secure doğrulama</h1>\
             <dl><dt>Merchant / İşyeri</dt><dd>{merchant}</dd>\
             <dt>Amount / Tutar</dt><dd id=\"acs-amount\">{amount} {currency}</dd>\
             <dt>Card / Kart</dt><dd id=\"acs-card\">{card}</dd></dl>\
             <p>Enter the one-time code sent to your phone. This simulator shows it here: \
             <strong id=\"otp-hint\">{otp}</strong></p>{warning}\
             <form method=\"post\" action=\"/acs/{id}\">\
             <label>One-time code / Tek kullanımlık şifre <input id=\"otp\" name=\"code\" autocomplete=\"one-time-code\" \
             inputmode=\"numeric\" autofocus></label><br>\
             <button id=\"acs-submit\" name=\"action\" value=\"confirm\">Confirm / Onayla</button>\
             <button id=\"acs-fail\" name=\"action\" value=\"fail\" formnovalidate>Fail authentication / Doğrulamayı reddet</button>\
             </form></div>",
            merchant = escape(&session.merchant_name),
            amount = escape(&session.amount.decimal()),
            currency = escape(session.amount.currency().alpha),
            card = escape(&session.masked_pan()),
            otp = cards::OTP,
        ),
    )
}
