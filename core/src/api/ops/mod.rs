//! One file per op group: each turns request JSON into domain calls and domain answers into JSON.

pub mod card;
#[cfg(feature = "gateways")]
pub mod gateway;
pub mod installments;
pub mod version;
