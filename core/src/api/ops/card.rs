//! `card.inspect`: everything the checkout needs to know about a (possibly half-typed) card,
//! without ever echoing the full number.

use crate::api::{problem, Context, Input};
use crate::card::{check_cvv, check_number, Brand, Detection, Expiry, Pan};
use crate::error::{Code, Error, Result};
use crate::issuer::{self, CardType, Family, Issuer, IssuerOverride};
use serde_json::{json, Map, Value};

/// Reads the optional `issuer` override object (a shop's own BIN list entry).
pub(crate) fn issuer_override(input: &Input) -> Result<Option<IssuerOverride>> {
    let Some(o) = input.opt_object("issuer")? else { return Ok(None) };
    let family = match o.opt_str("family")? {
        Some(name) => Some(Family::find(name).map_err(|e| e.at(o.field("family")))?),
        None => None,
    };
    let card_type = match o.opt_choice("card_type", &["credit", "debit", "prepaid", "unknown"])? {
        Some(t) => CardType::parse(t),
        None => None,
    };
    let bank_code = o.opt_str_max("bank_code", 4)?;
    if bank_code.is_some_and(|c| c.len() != 4 || !c.bytes().all(|b| b.is_ascii_digit())) {
        return Err(Error::new(Code::RequestInvalidValue)
            .at(o.field("bank_code"))
            .detail("a 4-digit EFT bank code such as 0062"));
    }
    let country = o.opt_str_max("country", 2)?;
    if country.is_some_and(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase())) {
        return Err(Error::new(Code::RequestInvalidValue)
            .at(o.field("country"))
            .detail("an ISO 3166 alpha-2 code such as TR"));
    }
    Ok(Some(IssuerOverride {
        bank_code: bank_code.map(str::to_string),
        bank_name: o.opt_str_max("bank_name", 100)?.map(str::to_string),
        family,
        card_type,
        commercial: o.opt_bool("commercial")?,
        country: country.map(str::to_string),
    }))
}

pub(crate) fn issuer_json(i: &Issuer) -> Value {
    json!({
        "source": i.source.as_str(),
        "bin": i.matched_bin,
        "bank_code": i.bank_code,
        "bank_name": i.bank_name,
        "family": i.family.map(|f| f.id),
        "family_name": i.family.map(|f| f.name),
        "family_parent": i.family.and_then(|f| f.parent),
        "card_type": i.card_type.as_str(),
        "commercial": i.commercial,
        "country": i.country,
    })
}

fn brand_json(b: Brand) -> Value {
    let info = b.info();
    json!({
        "id": info.id,
        "name": info.name,
        "lengths": info.lengths,
        "cvv_length": info.cvv_length,
        "cvv_name": info.cvv_name,
        "gaps": info.gaps,
        "luhn_required": info.luhn_required,
    })
}

/// The card's expiry from `expiry` (`MM/YY`, `MM/YYYY`) or `expiry_month` + `expiry_year`.
pub(crate) fn read_expiry(card: &Input) -> Result<Option<Expiry>> {
    let field = card.field("expiry");
    let parsed = match (
        card.opt_str_max("expiry", 16)?,
        card.opt_str_max("expiry_month", 4)?,
        card.opt_str_max("expiry_year", 4)?,
    ) {
        (Some(text), None, None) => Expiry::parse(text),
        (None, Some(m), Some(y)) => Expiry::from_parts(m, y),
        (None, None, None) => return Ok(None),
        _ => {
            return Err(Error::new(Code::RequestInvalidValue)
                .at(field)
                .detail("give either expiry, or expiry_month with expiry_year"))
        }
    };
    parsed.map(Some).map_err(|e| e.at(field))
}

pub fn inspect(input: &Input, ctx: &Context) -> Result<Value> {
    let card = input.object("card")?;
    let number_field = card.field("number");
    let number = card.str_max("number", 64)?;
    let expiry = read_expiry(&card);
    let cvv = card.opt_str_max("cvv", 8)?;
    let strict = input.opt_bool("strict")?.unwrap_or(false);
    let over = issuer_override(input)?;

    let mut problems: Vec<Error> = Vec::new();
    let mut result = Map::new();

    let pan = match Pan::normalize(number) {
        Ok(p) => Some(p),
        Err(e) => {
            problems.push(e.at(number_field.clone()));
            None
        }
    };
    let mut brand = None;
    if let Some(pan) = &pan {
        let detection = pan.detect_brand();
        if let Detection::Brand(b) = detection {
            brand = Some(b);
        }
        let candidates: Vec<&str> = match &detection {
            Detection::Brand(b) => vec![b.id()],
            Detection::Ambiguous(list) => list.iter().map(|b| b.id()).collect(),
            Detection::Unknown => vec![],
        };
        let checked = check_number(pan);
        if let Err(e) = &checked {
            problems.push(e.clone().at(number_field.clone()));
        }
        result.insert(
            "number".into(),
            json!({
                "length": pan.len(),
                "complete": checked.is_ok(),
                "luhn": pan.luhn_valid(),
                "masked": pan.masked(),
                "bin": pan.digits().get(..6),
                "last4": (pan.len() >= 12).then(|| pan.last4()),
            }),
        );
        result.insert("brand_candidates".into(), json!(candidates));
        let issuer = if pan.len() >= 6 {
            issuer::resolve(pan.digits(), over.as_ref())
        } else {
            issuer::resolve("", over.as_ref())
        };
        result.insert("issuer".into(), issuer_json(&issuer));
    } else {
        result.insert("number".into(), Value::Null);
        result.insert("brand_candidates".into(), json!([]));
        result.insert("issuer".into(), issuer_json(&issuer::resolve("", over.as_ref())));
    }
    result.insert("brand".into(), brand.map(brand_json).unwrap_or(Value::Null));

    let expiry_json = match expiry {
        Ok(None) => Value::Null,
        Ok(Some(exp)) => {
            let today = input.date("today")?;
            let status = exp.check(today);
            if let Err(e) = &status {
                problems.push(e.clone().at(card.field("expiry")));
            }
            json!({ "month": exp.month, "year": exp.year, "valid": status.is_ok() })
        }
        // A mistyped date is the shopper's problem to fix, not a malformed request.
        Err(e) if e.code == Code::CardExpiryFormat => {
            problems.push(e);
            json!({ "month": null, "year": null, "valid": false })
        }
        Err(e) => return Err(e),
    };
    result.insert("expiry".into(), expiry_json);

    let cvv_json = match cvv {
        None => Value::Null,
        Some(cvv) => {
            let status = check_cvv(cvv, brand);
            if let Err(e) = &status {
                problems.push(e.clone().at(card.field("cvv")));
            }
            json!({ "valid": status.is_ok() })
        }
    };
    result.insert("cvv".into(), cvv_json);

    if strict {
        if let Some(first) = problems.into_iter().next() {
            return Err(first);
        }
        result.insert("problems".into(), json!([]));
        result.insert("valid".into(), true.into());
    } else {
        result.insert("valid".into(), problems.is_empty().into());
        result.insert("problems".into(), problems.iter().map(|p| problem(p, ctx.lang)).collect());
    }
    Ok(Value::Object(result))
}
