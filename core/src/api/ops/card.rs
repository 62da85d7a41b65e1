//! `card.inspect`: everything the checkout needs to know about a (possibly half-typed) card,
//! without ever echoing the full number.

use crate::api::{problem, Context, Input};
use crate::card::{check_cvv, check_number, Brand, Detection, Expiry, Pan};
use crate::error::{Code, Error, Result};
use crate::issuer::{self, CardType, Family, Issuer, IssuerOverride};
use crate::json::Object;

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

pub(crate) fn write_issuer(mut o: Object, i: &Issuer) {
    o.field("bank_code", &i.bank_code)
        .field("bank_name", &i.bank_name)
        .field("bin", &i.matched_bin)
        .field("card_type", i.card_type.as_str())
        .field("commercial", &i.commercial)
        .field("country", &i.country)
        .field("family", &i.family.map(|f| f.id))
        .field("family_name", &i.family.map(|f| f.name))
        .field("family_parent", &i.family.and_then(|f| f.parent))
        .field("source", i.source.as_str());
}

fn write_brand(mut o: Object, b: Brand) {
    let info = b.info();
    o.field("cvv_length", &info.cvv_length)
        .field("cvv_name", info.cvv_name)
        .field("gaps", info.gaps)
        .field("id", info.id)
        .field("lengths", info.lengths)
        .field("luhn_required", &info.luhn_required)
        .field("name", info.name);
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

pub fn inspect(input: &Input, ctx: &Context, out: &mut String) -> Result<()> {
    let card = input.object("card")?;
    let number_field = card.field("number");
    let number = card.str_max("number", 64)?;
    let expiry = read_expiry(&card);
    let cvv = card.opt_str_max("cvv", 8)?;
    let strict = input.opt_bool("strict")?.unwrap_or(false);
    let over = issuer_override(input)?;

    let mut problems: Vec<Error> = Vec::new();
    let pan = match Pan::normalize(number) {
        Ok(p) => Some(p),
        Err(e) => {
            problems.push(e.at(number_field.clone()));
            None
        }
    };
    let detection = pan.as_ref().map(Pan::detect_brand);
    let brand = match detection {
        Some(Detection::Brand(b)) => Some(b),
        _ => None,
    };
    let complete = pan.as_ref().map(|pan| match check_number(pan) {
        Ok(_) => true,
        Err(e) => {
            problems.push(e.at(number_field.clone()));
            false
        }
    });
    let digits = pan.as_ref().filter(|p| p.len() >= 6).map_or("", |p| p.digits());
    let issuer = issuer::resolve(digits, over.as_ref());

    // (month, year, valid)
    let expiry = match expiry {
        Ok(None) => None,
        Ok(Some(exp)) => {
            let today = input.date("today")?;
            let status = exp.check(today);
            if let Err(e) = &status {
                problems.push(e.clone().at(card.field("expiry")));
            }
            Some((Some(exp.month), Some(exp.year), status.is_ok()))
        }
        // A mistyped date is the shopper's problem to fix, not a malformed request.
        Err(e) if e.code == Code::CardExpiryFormat => {
            problems.push(e);
            Some((None, None, false))
        }
        Err(e) => return Err(e),
    };
    let cvv_valid = cvv.map(|cvv| {
        let status = check_cvv(cvv, brand);
        if let Err(e) = &status {
            problems.push(e.clone().at(card.field("cvv")));
        }
        status.is_ok()
    });
    if strict {
        if let Some(first) = problems.into_iter().next() {
            return Err(first);
        }
        problems = Vec::new();
    }

    let mut o = Object::new(out);
    match brand {
        Some(b) => write_brand(o.object("brand"), b),
        None => _ = o.field("brand", &None::<bool>),
    }
    {
        let mut candidates = o.array("brand_candidates");
        match &detection {
            Some(Detection::Brand(b)) => _ = candidates.item(b.id()),
            Some(Detection::Ambiguous(list)) => list.iter().for_each(|b| _ = candidates.item(b.id())),
            _ => {}
        }
    }
    match cvv_valid {
        Some(valid) => _ = o.object("cvv").field("valid", &valid),
        None => _ = o.field("cvv", &None::<bool>),
    }
    match expiry {
        Some((month, year, valid)) => {
            _ = o.object("expiry").field("month", &month).field("valid", &valid).field("year", &year)
        }
        None => _ = o.field("expiry", &None::<bool>),
    }
    write_issuer(o.object("issuer"), &issuer);
    match (&pan, complete) {
        (Some(pan), Some(complete)) => {
            o.object("number")
                .field("bin", &pan.digits().get(..6))
                .field("complete", &complete)
                .field("last4", &(pan.len() >= 12).then(|| pan.last4()))
                .field("length", &pan.len())
                .field("luhn", &pan.luhn_valid())
                .field("masked", &pan.masked());
        }
        _ => _ = o.field("number", &None::<bool>),
    }
    {
        let mut list = o.array("problems");
        for p in &problems {
            problem(list.object(), p, ctx.lang);
        }
    }
    o.field("valid", &problems.is_empty());
    Ok(())
}
