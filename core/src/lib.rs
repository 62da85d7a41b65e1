#![recursion_limit = "256"]
//! sanalpos-core: the whole payment logic of sanalpos, sans-IO and deterministic.
//!
//! Everything comes in through the JSON command API ([`api::handle`]): credentials, order, card,
//! dates and nonces. Nothing here touches the network, a clock or a random source, so the same
//! request gives the same bytes on every host (browser, Node, PHP, CLI).

pub mod api;
pub mod card;
pub mod date;
pub mod error;
#[cfg(feature = "gateways")]
pub mod gateway;
pub mod installments;
pub mod issuer;
pub mod json;
pub mod money;

pub use api::handle;

// The families' tests' helpers.
#[cfg(all(test, feature = "gateways"))]
mod test_support;
