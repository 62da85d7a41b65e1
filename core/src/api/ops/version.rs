//! `version`: what this core is and what it supports.

use crate::api::{Context, Input, API_VERSION};
use crate::error::Result;
use crate::json::Object;
use crate::{issuer, money};

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
    // A build without gateways (the browser's checkout build) lists none, and no models.
    #[cfg(feature = "gateways")]
    {
        list("gateways", &mut crate::gateway::GATEWAYS.iter().map(|g| g.info().id));
        list("models", &mut crate::gateway::Model::ALL.iter().map(|m| m.id()));
    }
    #[cfg(not(feature = "gateways"))]
    {
        list("gateways", &mut std::iter::empty());
        list("models", &mut std::iter::empty());
    }
    list("ops", &mut crate::api::op_names());
    Ok(())
}
