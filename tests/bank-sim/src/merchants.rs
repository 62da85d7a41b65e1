//! The merchant accounts the simulated banks know: one per family, with the same credential ids
//! as the core's `gateways.list` (tests/bank-sim/merchants.json is the demo's set).

use serde_json::{Map, Value};

pub struct Merchants(Map<String, Value>);

/// The demo's accounts, built in so that the binary runs anywhere.
pub const DEMO: &str = include_str!("../merchants.json");

impl Merchants {
    pub fn parse(text: &str) -> Result<Merchants, String> {
        match serde_json::from_str(text) {
            Ok(Value::Object(map)) => Ok(Merchants(map)),
            Ok(_) => Err("the merchants file must be a JSON object of families".into()),
            Err(e) => Err(format!("merchants file: {e}")),
        }
    }

    /// The family's account, if the simulator was started with one.
    pub fn account(&self, family: &str) -> Option<Account<'_>> {
        let creds = self.0.get(family)?.get("credentials")?.as_object()?;
        let name = self.0.get(family)?.get("name").and_then(Value::as_str).unwrap_or("Merchant");
        Some(Account { name, creds })
    }
}

#[derive(Clone, Copy)]
pub struct Account<'a> {
    pub name: &'a str,
    creds: &'a Map<String, Value>,
}

impl<'a> Account<'a> {
    /// A credential (empty when absent).
    pub fn get(&self, id: &str) -> &'a str {
        self.creds.get(id).and_then(Value::as_str).unwrap_or("")
    }

    pub fn credentials(&self) -> Value {
        Value::Object(self.creds.clone())
    }
}
