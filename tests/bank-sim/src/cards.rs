//! Test cards: the card number chooses what the simulated bank does. The numbers are public
//! sandbox cards (docs/cards-installments.md §1.6); the outcome is the simulator's own
//! assignment. Any other valid card number is approved. The table is printed by `--cards` and
//! `make demo`, and tests/bank-sim/README.md lists it.

use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Approve,
    /// The issuer declines: insufficient funds (code 51).
    Decline,
    /// 3D Secure authentication fails without a challenge (mdStatus 0).
    ThreeDFail,
    /// 3D Secure only attempted: the card is not enrolled (mdStatus 4), no challenge.
    ThreeDAttempt,
    /// The server-to-server payment request is processed but answered only after the API delay,
    /// longer than any shop waits: the money moved, the shop must ask for the status.
    Timeout,
    /// The server-to-server payment request fails with HTTP 500 before anything happens.
    ServerError,
    /// The server-to-server payment request is processed but the answer is cut off mid-document.
    Malformed,
}

impl Outcome {
    pub fn id(self) -> &'static str {
        match self {
            Outcome::Approve => "approve",
            Outcome::Decline => "decline",
            Outcome::ThreeDFail => "3ds_failed",
            Outcome::ThreeDAttempt => "3ds_attempt",
            Outcome::Timeout => "api_timeout",
            Outcome::ServerError => "http_500",
            Outcome::Malformed => "malformed_answer",
        }
    }
}

pub struct TestCard {
    pub number: &'static str,
    pub outcome: Outcome,
    /// Where the number comes from (its issuer in the built-in BIN table, or the sandbox list).
    pub origin: &'static str,
}

/// Expiry and security code accepted for every test card; the one-time code of the ACS page.
pub const EXPIRY: &str = "12/30";
pub const CVV: &str = "000";
pub const OTP: &str = "123456";

pub static CARDS: &[TestCard] = &[
    TestCard {
        number: "4546711234567894",
        outcome: Outcome::Approve,
        origin: "Visa, Ziraat (Bankkart); NestPay test card",
    },
    TestCard {
        number: "5400360000000003",
        outcome: Outcome::Approve,
        origin: "Mastercard, Garanti BBVA (Bonus); iyzico sandbox",
    },
    TestCard {
        number: "4508034508034509",
        outcome: Outcome::Approve,
        origin: "Visa, İş Bankası (Maximum); İşbank EST test card",
    },
    TestCard {
        number: "4355084355084358",
        outcome: Outcome::Approve,
        origin: "Visa, Akbank (Axess); NestPay test card",
    },
    TestCard {
        number: "4111111111111129",
        outcome: Outcome::Decline,
        origin: "Visa; iyzico sandbox \"insufficient funds\"",
    },
    TestCard {
        number: "4131111111111117",
        outcome: Outcome::ThreeDFail,
        origin: "Visa; iyzico sandbox \"mdStatus 0\"",
    },
    TestCard {
        number: "4141111111111115",
        outcome: Outcome::ThreeDAttempt,
        origin: "Visa; iyzico sandbox \"mdStatus 4\"",
    },
    TestCard { number: "4129111111111111", outcome: Outcome::Timeout, origin: "Visa; iyzico sandbox error card" },
    TestCard { number: "4130111111111118", outcome: Outcome::ServerError, origin: "Visa; iyzico sandbox error card" },
    TestCard { number: "4128111111111112", outcome: Outcome::Malformed, origin: "Visa; iyzico sandbox error card" },
];

/// What a card number (digits only) makes the bank do.
pub fn outcome(digits: &str) -> Outcome {
    CARDS.iter().find(|c| c.number == digits).map_or(Outcome::Approve, |c| c.outcome)
}

/// The table for people (`--cards`, `make demo`).
pub fn text() -> String {
    let mut out =
        format!("Test cards (expiry {EXPIRY}, CVV {CVV}, one-time code {OTP}; any other valid card is approved):\n");
    for c in CARDS {
        let spaced: Vec<&str> = c.number.as_bytes().chunks(4).filter_map(|g| std::str::from_utf8(g).ok()).collect();
        out.push_str(&format!("  {}  {:<16} {}\n", spaced.join(" "), c.outcome.id(), c.origin));
    }
    out
}

/// The table as JSON (`/admin/cards`).
pub fn table() -> Value {
    let cards: Vec<Value> =
        CARDS.iter().map(|c| json!({"number": c.number, "outcome": c.outcome.id(), "origin": c.origin})).collect();
    json!({"cards": cards, "expiry": EXPIRY, "cvv": CVV, "otp": OTP, "others": "approve"})
}
