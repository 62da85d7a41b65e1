//! `version`: what this core is and what it supports.

use crate::api::{Context, Input, API_VERSION};
use crate::error::Result;
use crate::{gateway, issuer, money};
use serde_json::{json, Value};

pub fn run(_input: &Input, _ctx: &Context) -> Result<Value> {
    Ok(json!({
        "core": env!("CARGO_PKG_VERSION"),
        "api": API_VERSION,
        "ops": crate::api::op_names().collect::<Vec<_>>(),
        "currencies": money::CURRENCIES.iter().map(|c| c.alpha).collect::<Vec<_>>(),
        "gateways": gateway::GATEWAYS.iter().map(|g| g.info().id).collect::<Vec<_>>(),
        "models": gateway::Model::ALL.iter().map(|m| m.id()).collect::<Vec<_>>(),
        "bin_table": {
            "source": "banks-db@0.12.0",
            "license": "CC-BY-4.0",
            "rows": issuer::builtin_rows(),
        },
    }))
}
