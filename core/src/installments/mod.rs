//! Installment (taksit) pricing: rate plans, commission modes, kuruş-exact splits and the legal
//! limits (docs/cards-installments.md §3).
//!
//! [`quote`] answers, for one card and cart, every count 1..=[`MAX_COUNT`]: either an [`Offer`]
//! (total, installments, commission) or the [`Reason`] it was removed. The amount the bank
//! charges is the offer's total, which the customer saw; the installments shown sum to it exactly.
//! Plain data in, plain data out: the JSON side lives in `api/ops/installments.rs`.

pub mod labels;
pub mod limits;
pub mod plan;
pub mod pricing;
mod quote;

pub use limits::{CartItem, Category, Overrides};
pub use plan::{Campaign, Plan, RateEntry};
pub use pricing::{Mode, Price, Rate, Split};
pub use quote::{quote, Card, CardClass, Offer, Quote, Reason, Removed, Request};

/// The highest installment count any plan may offer.
pub const MAX_COUNT: u8 = 18;
