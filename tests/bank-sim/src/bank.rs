//! What every family's server-to-server API does the same way: reading the card of a non-3D
//! sale, booking a payment under the test card's outcome, and delivering the answer late, cut off
//! or not at all for the failure cards.

use crate::cards::Outcome;
use crate::http::Response;
use crate::ledger::{Booking, NewPayment, OrderKey};
use crate::Sim;
use sanalpos_core::card::{Expiry, Pan};

/// How the answer to a payment request reaches the shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Normal,
    /// After the API delay: the shop has long given up.
    Late,
    /// Cut off in the middle.
    Truncated,
}

/// The result of a payment request: booked (approved, declined or refused) and how to deliver
/// the answer, or `None` for the HTTP 500 card (nothing booked).
pub fn book(sim: &Sim, key: &OrderKey, payment: NewPayment, outcome: Outcome) -> Option<(Booking, Delivery)> {
    let delivery = match outcome {
        Outcome::ServerError => return None,
        Outcome::Timeout => Delivery::Late,
        Outcome::Malformed => Delivery::Truncated,
        _ => Delivery::Normal,
    };
    let payment = NewPayment { approved: payment.approved && outcome != Outcome::Decline, ..payment };
    Some((sim.ledger.pay(key, payment), delivery))
}

/// Applies the delivery to a complete answer.
pub fn deliver(sim: &Sim, mut response: Response, delivery: Delivery) -> Response {
    match delivery {
        Delivery::Normal => {}
        Delivery::Late => response.delay = sim.api_delay,
        Delivery::Truncated => {
            let half = response.body.len() / 2;
            response.body.truncate(half);
        }
    }
    response
}

/// What a bank's web server answers when its application fails.
pub fn server_error() -> Response {
    Response::new(500, "text/html; charset=UTF-8", "<html><body><h1>500 Internal Server Error</h1></body></html>")
}

/// The digits of a card number that is complete and passes Luhn, with a readable expiry.
pub fn card(number: &str, month: &str, year: &str) -> Option<String> {
    let pan = Pan::normalize(number).ok()?;
    Expiry::from_parts(month, year).ok()?;
    (pan.len() >= 12 && pan.luhn_valid()).then(|| pan.digits().to_string())
}

/// First six, `*`, last four.
pub fn mask(digits: &str) -> String {
    let n = digits.len();
    let (head, tail) = (digits.get(..6).unwrap_or(""), digits.get(n.saturating_sub(4)..).unwrap_or(""));
    format!("{head}{}{tail}", "*".repeat(n.saturating_sub(10)))
}
