//! `version`: what this core is and what it supports.

use crate::api::{Context, Input, API_VERSION};
use crate::error::Result;
use crate::json::Object;
use crate::{gateway, issuer, money};

pub fn run(_input: &Input, _ctx: &Context, out: &mut String) -> Result<()> {
    let mut o = Object::new(out);
    o.field("api", &API_VERSION);
    o.object("bin_table")
        .field("license", "CC-BY-4.0")
        .field("rows", &issuer::builtin_rows())
        .field("source", "banks-db@0.12.0");
    o.field("core", env!("CARGO_PKG_VERSION"));
    let mut list = |key: &str, ids: &mut dyn Iterator<Item = &'static str>| {
        let mut array = o.array(key);
        for id in ids {
            array.item(id);
        }
    };
    list("currencies", &mut money::CURRENCIES.iter().map(|c| c.alpha));
    list("gateways", &mut gateway::GATEWAYS.iter().map(|g| g.info().id));
    list("models", &mut gateway::Model::ALL.iter().map(|m| m.id()));
    list("ops", &mut crate::api::op_names());
    Ok(())
}
