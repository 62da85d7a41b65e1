//! The bank's books, in SQLite: every payment, capture, refund and cancel the simulated banks
//! processed (approved or refused), so tests can assert exactly-once effects. The rules a bank
//! enforces live here, once for every family: a used order id is refused, only an open
//! pre-authorisation can be captured (once, up to its amount), refunds never exceed what was
//! captured, a voided payment takes no refund, and a payment with refunds is not voided.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};
use std::sync::{Mutex, MutexGuard};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sale,
    PreAuth,
    Capture,
    Refund,
    Cancel,
}

impl Kind {
    pub fn id(self) -> &'static str {
        match self {
            Kind::Sale => "sale",
            Kind::PreAuth => "preauth",
            Kind::Capture => "capture",
            Kind::Refund => "refund",
            Kind::Cancel => "cancel",
        }
    }

    fn parse(s: &str) -> Kind {
        match s {
            "preauth" => Kind::PreAuth,
            "capture" => Kind::Capture,
            "refund" => Kind::Refund,
            "cancel" => Kind::Cancel,
            _ => Kind::Sale,
        }
    }
}

/// Whose order: the family and the merchant (client id, terminal id…) the order id belongs to.
#[derive(Debug, Clone)]
pub struct OrderKey {
    pub family: &'static str,
    pub merchant: String,
    pub order_id: String,
}

/// Host references are the line number above this base.
const HOST_REF_BASE: i64 = 600_000_000_000;

/// One line of the books.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub kind: Kind,
    pub amount: i64,
    pub currency: String,
    pub installments: u32,
    pub approved: bool,
    /// Why it was refused (empty when approved).
    pub refusal: String,
    pub masked_pan: String,
    pub created_at: String,
}

impl Entry {
    /// Bank references derived from the line number: unique and stable.
    pub fn auth_code(&self) -> String {
        format!("{:06}", (self.id * 7919 + 104_729) % 1_000_000)
    }

    pub fn host_ref(&self) -> String {
        format!("{:012}", HOST_REF_BASE + self.id)
    }

    pub fn trans_id(&self) -> String {
        format!("SIM{:011}", self.id)
    }

    fn json(&self) -> Value {
        json!({
            "id": self.id, "kind": self.kind.id(), "amount_minor": self.amount, "currency": self.currency,
            "installments": self.installments, "approved": self.approved, "refusal": self.refusal,
            "masked_pan": self.masked_pan, "created_at": self.created_at,
            "auth_code": self.auth_code(), "host_ref": self.host_ref(), "trans_id": self.trans_id(),
        })
    }
}

/// Why the bank refused an operation; each family words it its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The order id already has an approved payment.
    DuplicateOrder,
    /// No approved payment with this order id.
    NotFound,
    /// The payment was voided.
    Voided,
    /// Capture of something that is not an open pre-authorisation, or above its amount.
    NotCapturable,
    /// The refund is larger than what is left to refund.
    OverRefund,
    /// A void of a payment that already has refunds.
    HasRefunds,
}

impl Refusal {
    pub fn id(self) -> &'static str {
        match self {
            Refusal::DuplicateOrder => "duplicate_order",
            Refusal::NotFound => "not_found",
            Refusal::Voided => "voided",
            Refusal::NotCapturable => "not_capturable",
            Refusal::OverRefund => "over_refund",
            Refusal::HasRefunds => "has_refunds",
        }
    }
}

/// An order's payment and what happened to it since.
#[derive(Debug, Clone)]
pub struct OrderState {
    /// The approved sale or pre-authorisation.
    pub payment: Entry,
    pub captured: i64,
    pub refunded: i64,
    pub voided: bool,
}

pub struct Ledger {
    conn: Mutex<Connection>,
}

impl Ledger {
    /// Opens (or creates) the books at `path`; `:memory:` keeps them in memory.
    pub fn open(path: &str) -> rusqlite::Result<Ledger> {
        let conn = Connection::open(path)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS entries (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                family TEXT NOT NULL, merchant TEXT NOT NULL, order_id TEXT NOT NULL,
                kind TEXT NOT NULL, amount INTEGER NOT NULL, currency TEXT NOT NULL,
                installments INTEGER NOT NULL, approved INTEGER NOT NULL, refusal TEXT NOT NULL,
                masked_pan TEXT NOT NULL, created_at TEXT NOT NULL);
             CREATE INDEX IF NOT EXISTS entries_order ON entries (family, merchant, order_id);",
        )?;
        Ok(Ledger { conn: Mutex::new(conn) })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written: keep serving.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A sale or pre-authorisation. `approved` is the issuer's answer; a used order id is refused
    /// whatever the issuer says. Refused and declined attempts are written too.
    pub fn pay(&self, key: &OrderKey, payment: NewPayment) -> Booking {
        let conn = self.lock();
        let refusal = state(&conn, key).map(|_| Refusal::DuplicateOrder);
        let line = Line {
            kind: payment.kind,
            amount: payment.amount,
            currency: payment.currency,
            installments: payment.installments,
            approved: refusal.is_none() && payment.approved,
            refusal: refusal.map_or(if payment.approved { "" } else { "declined" }, Refusal::id),
            masked_pan: payment.masked_pan,
        };
        let entry = insert(&conn, key, line);
        let verdict = match refusal {
            Some(r) => Verdict::Refused(r),
            None if entry.approved => Verdict::Approved,
            None => Verdict::Declined,
        };
        Booking { entry, verdict }
    }

    /// Post-authorisation of an open pre-authorisation, for `amount` (its whole amount when None).
    pub fn capture(&self, key: &OrderKey, amount: Option<i64>) -> Result<(Entry, OrderState), Refusal> {
        self.after_sale(key, Kind::Capture, |s| {
            let amount = amount.unwrap_or(s.payment.amount);
            let open = s.payment.kind == Kind::PreAuth && s.captured == 0 && !s.voided;
            if !open || amount <= 0 || amount > s.payment.amount {
                return Err(Refusal::NotCapturable);
            }
            Ok(amount)
        })
    }

    /// A full or partial refund of what was captured.
    pub fn refund(&self, key: &OrderKey, amount: i64) -> Result<(Entry, OrderState), Refusal> {
        self.after_sale(key, Kind::Refund, |s| {
            if s.voided {
                return Err(Refusal::Voided);
            }
            if amount <= 0 || amount > s.captured - s.refunded {
                return Err(Refusal::OverRefund);
            }
            Ok(amount)
        })
    }

    /// A void of the whole payment (same day).
    pub fn cancel(&self, key: &OrderKey) -> Result<(Entry, OrderState), Refusal> {
        self.after_sale(key, Kind::Cancel, |s| {
            if s.voided {
                return Err(Refusal::Voided);
            }
            if s.refunded > 0 {
                return Err(Refusal::HasRefunds);
            }
            Ok(s.payment.amount)
        })
    }

    /// Runs one after-sale operation atomically: `decide` sees the order's state and returns the
    /// amount to book, or why the bank refuses. Refusals are booked as refused lines.
    fn after_sale(
        &self,
        key: &OrderKey,
        kind: Kind,
        decide: impl FnOnce(&OrderState) -> Result<i64, Refusal>,
    ) -> Result<(Entry, OrderState), Refusal> {
        let conn = self.lock();
        let Some(before) = state(&conn, key) else {
            return Err(Refusal::NotFound);
        };
        let decision = decide(&before);
        let line = Line {
            kind,
            amount: *decision.as_ref().unwrap_or(&0),
            currency: before.payment.currency.clone(),
            installments: 0,
            approved: decision.is_ok(),
            refusal: decision.err().map_or("", Refusal::id),
            masked_pan: before.payment.masked_pan.clone(),
        };
        let entry = insert(&conn, key, line);
        let after = state(&conn, key).unwrap_or(before);
        match decision {
            Ok(_) => Ok((entry, after)),
            Err(r) => Err(r),
        }
    }

    /// The order whose line has this host reference or transaction id (banks that address
    /// payments by one of them).
    pub fn key_of_host_ref(&self, family: &'static str, reference: &str) -> Option<OrderKey> {
        let id = match reference.strip_prefix("SIM") {
            Some(digits) => digits.parse::<i64>().ok()?,
            None => reference.parse::<i64>().ok()? - HOST_REF_BASE,
        };
        self.lock()
            .query_row(
                "SELECT merchant, order_id FROM entries WHERE id = ?1 AND family = ?2",
                params![id, family],
                |row| Ok(OrderKey { family, merchant: row.get(0)?, order_id: row.get(1)? }),
            )
            .ok()
    }

    /// The order's approved payment and its totals, if it has one.
    pub fn state(&self, key: &OrderKey) -> Option<OrderState> {
        state(&self.lock(), key)
    }

    /// Every line of an order (or of every order when `order_id` is None), oldest first.
    pub fn entries(&self, order_id: Option<&str>) -> Vec<(OrderKey, Entry)> {
        let conn = self.lock();
        let query = "SELECT family, merchant, order_id, id, kind, amount, currency, installments, approved, refusal, \
                     masked_pan, created_at FROM entries WHERE ?1 IS NULL OR order_id = ?1 ORDER BY id";
        let Ok(mut stmt) = conn.prepare(query) else { return Vec::new() };
        let rows = stmt.query_map(params![order_id], |row| {
            let family: String = row.get(0)?;
            Ok((
                OrderKey { family: family_id(&family), merchant: row.get(1)?, order_id: row.get(2)? },
                entry_from(row, 3)?,
            ))
        });
        rows.map(|r| r.filter_map(Result::ok).collect()).unwrap_or_default()
    }

    /// The books of one order as JSON for tests: every line and the totals of approved lines.
    pub fn report(&self, order_id: &str) -> Value {
        let entries = self.entries(Some(order_id));
        let sum = |kind: Kind| -> i64 {
            entries.iter().filter(|(_, e)| e.approved && e.kind == kind).map(|(_, e)| e.amount).sum()
        };
        let payments = entries.iter().filter(|(_, e)| e.approved && matches!(e.kind, Kind::Sale | Kind::PreAuth));
        let sales = sum(Kind::Sale);
        json!({
            "order_id": order_id,
            "family": entries.first().map(|(k, _)| k.family),
            "payments": payments.count(),
            "authorised_minor": sales + sum(Kind::PreAuth),
            "captured_minor": sales + sum(Kind::Capture),
            "refunded_minor": sum(Kind::Refund),
            "voided": entries.iter().any(|(_, e)| e.approved && e.kind == Kind::Cancel),
            "entries": entries.iter().map(|(_, e)| e.json()).collect::<Vec<_>>(),
        })
    }

    /// Empties the books.
    pub fn reset(&self) -> rusqlite::Result<()> {
        self.lock().execute_batch("DELETE FROM entries; DELETE FROM sqlite_sequence WHERE name = 'entries';")
    }
}

/// A booked payment and what the bank answers.
#[derive(Debug, Clone)]
pub struct Booking {
    pub entry: Entry,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Approved,
    /// The issuer declined (the decline card).
    Declined,
    /// The bank refused before asking the issuer.
    Refused(Refusal),
}

/// A payment to book.
pub struct NewPayment {
    pub kind: Kind,
    pub amount: i64,
    pub currency: String,
    pub installments: u32,
    pub approved: bool,
    pub masked_pan: String,
}

struct Line {
    kind: Kind,
    amount: i64,
    currency: String,
    installments: u32,
    approved: bool,
    refusal: &'static str,
    masked_pan: String,
}

fn family_id(s: &str) -> &'static str {
    crate::FAMILIES.iter().copied().find(|f| *f == s).unwrap_or("unknown")
}

fn insert(conn: &Connection, key: &OrderKey, line: Line) -> Entry {
    let created_at = crate::clock::now_iso();
    // The books are local and the statement fixed: a failure here is a broken disk, not input.
    let id = conn
        .execute(
            "INSERT INTO entries (family, merchant, order_id, kind, amount, currency, installments, approved, refusal, \
             masked_pan, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                key.family,
                key.merchant,
                key.order_id,
                line.kind.id(),
                line.amount,
                line.currency,
                line.installments,
                line.approved,
                line.refusal,
                line.masked_pan,
                created_at
            ],
        )
        .map(|_| conn.last_insert_rowid())
        .unwrap_or(0);
    Entry {
        id,
        kind: line.kind,
        amount: line.amount,
        currency: line.currency,
        installments: line.installments,
        approved: line.approved,
        refusal: line.refusal.to_string(),
        masked_pan: line.masked_pan,
        created_at,
    }
}

fn entry_from(row: &rusqlite::Row, at: usize) -> rusqlite::Result<Entry> {
    let kind: String = row.get(at + 1)?;
    Ok(Entry {
        id: row.get(at)?,
        kind: Kind::parse(&kind),
        amount: row.get(at + 2)?,
        currency: row.get(at + 3)?,
        installments: row.get(at + 4)?,
        approved: row.get(at + 5)?,
        refusal: row.get(at + 6)?,
        masked_pan: row.get(at + 7)?,
        created_at: row.get(at + 8)?,
    })
}

fn state(conn: &Connection, key: &OrderKey) -> Option<OrderState> {
    let columns = "id, kind, amount, currency, installments, approved, refusal, masked_pan, created_at";
    let payment = conn
        .query_row(
            &format!(
                "SELECT {columns} FROM entries WHERE family = ?1 AND merchant = ?2 AND order_id = ?3 \
                 AND approved = 1 AND kind IN ('sale', 'preauth') ORDER BY id LIMIT 1"
            ),
            params![key.family, key.merchant, key.order_id],
            |row| entry_from(row, 0),
        )
        .optional()
        .ok()??;
    let total = |kind: Kind| -> i64 {
        conn.query_row(
            "SELECT COALESCE(SUM(amount), 0) FROM entries WHERE family = ?1 AND merchant = ?2 AND order_id = ?3 \
             AND approved = 1 AND kind = ?4",
            params![key.family, key.merchant, key.order_id, kind.id()],
            |row| row.get(0),
        )
        .unwrap_or(0)
    };
    let captured = if payment.kind == Kind::Sale { payment.amount } else { total(Kind::Capture) };
    Some(OrderState { captured, refunded: total(Kind::Refund), voided: total(Kind::Cancel) > 0, payment })
}
