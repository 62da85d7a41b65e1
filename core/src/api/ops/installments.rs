//! `installments.quote` and `installments.table`: request JSON → rate plans, cart and card →
//! the installments engine → options and removal reasons as JSON.

use super::card::{issuer_json, issuer_override};
use crate::api::{Context, Input};
use crate::card::Pan;
use crate::date::Date;
use crate::error::{Code, Error, Lang, Result};
use crate::installments::limits::{Above, Cap};
use crate::installments::{
    self, labels, plan, Campaign, Card, CardClass, CartItem, Category, Mode, Offer, Overrides, Plan, Quote, Rate,
    RateEntry, Removed, Request, MAX_COUNT,
};
use crate::issuer::{self, Family, Issuer};
use crate::money::{Currency, Money, Sign};
use serde_json::{json, Map, Value};

/// What both ops read.
struct Common {
    amount: Money,
    plans: Vec<Plan>,
    cart: Vec<CartItem>,
    today: Date,
    overrides: Overrides,
}

impl Common {
    fn quote(&self, family: Option<&'static Family>, class: CardClass) -> Result<Quote<'_>> {
        installments::quote(&Request {
            amount: self.amount,
            family,
            class,
            plans: &self.plans,
            cart: &self.cart,
            today: self.today,
            overrides: &self.overrides,
        })
    }
}

fn missing(input: &Input, key: &str) -> Error {
    Error::new(Code::RequestMissingField).at(input.field(key))
}

fn invalid(input: &Input, key: &str, detail: &str) -> Error {
    Error::new(Code::RequestInvalidValue).at(input.field(key)).detail(detail)
}

/// Names the field to blame for a domain parser's error.
fn blame(e: Error, input: &Input, key: &str) -> Error {
    e.at(input.field(key))
}

/// An optional integer in `min..=max`.
fn opt_small(input: &Input, key: &str, min: u8, max: u8) -> Result<Option<u8>> {
    Ok(input.opt_int(key, i64::from(min)..=i64::from(max))?.and_then(|n| u8::try_from(n).ok()))
}

/// A family id or alias, or `default` (None).
fn family_or_default(name: &str) -> Result<Option<&'static Family>> {
    match name {
        "default" => Ok(None),
        name => Family::find(name).map(Some),
    }
}

fn read_common(input: &Input) -> Result<Common> {
    let currency = input.currency("currency")?;
    let amount = input.amount("amount", currency, Sign::Positive)?;
    let today = input.date("today")?;
    let plans = read_plans(input, currency)?;
    let mut cart = Vec::new();
    for line in input.objects("cart")? {
        let category = Category::find(line.str_max("category", 64)?).map_err(|e| blame(e, &line, "category"))?;
        let price = line.opt_amount("price", currency, Sign::Positive)?.unwrap_or(amount);
        cart.push(CartItem { category, amount: price.minor() });
    }
    let overrides = read_limits(input)?;
    Ok(Common { amount, plans, cart, today, overrides })
}

fn read_plans(input: &Input, currency: &'static Currency) -> Result<Vec<Plan>> {
    if !input.has("plans") {
        return Err(missing(input, "plans"));
    }
    let mut plans: Vec<Plan> = Vec::new();
    for p in input.objects("plans")? {
        let plan = read_plan(&p, currency)?;
        if plans.iter().any(|q| q.family_id() == plan.family_id()) {
            let e = Error::new(Code::InstallmentsDuplicatePlan).detail(plan.family_id());
            return Err(blame(e, &p, "family"));
        }
        plans.push(plan);
    }
    if plans.is_empty() {
        return Err(invalid(input, "plans", "at least one plan"));
    }
    Ok(plans)
}

fn read_plan(p: &Input, currency: &'static Currency) -> Result<Plan> {
    let family = family_or_default(p.str_max("family", 64)?).map_err(|e| blame(e, p, "family"))?;
    let mode = Mode::parse(p.str("mode")?).ok_or_else(|| invalid(p, "mode", "one of absorb, markup, grossup"))?;
    let mut plan = Plan::new(family, mode);
    plan.pos = p.opt_str_max("pos", 64)?.map(str::to_string);
    plan.min_installment = p.opt_amount("min_installment_amount", currency, Sign::NonNegative)?.map(|m| m.minor());
    if !p.has("rates") {
        return Err(missing(p, "rates"));
    }
    for r in p.objects("rates")? {
        let count = plan::count(r.int("count", i64::MIN..=i64::MAX)?).map_err(|e| blame(e, &r, "count"))?;
        let rate_text = r.str("rate")?;
        let rate = Rate::parse(rate_text).and_then(|rate| mode.check(rate).map(|()| rate));
        let rate = rate.map_err(|e| blame(e, &r, "rate"))?;
        let campaign = Campaign {
            plus_installments: opt_small(&r, "plus_installments", 0, MAX_COUNT)?.unwrap_or(0),
            deferral_months: opt_small(&r, "deferral_months", 0, 12)?.unwrap_or(0),
            name: r.opt_str_max("campaign", 100)?.map(str::to_string),
        };
        let enabled = r.opt_bool("enabled")?.unwrap_or(true);
        let entry = RateEntry { count, rate, rate_text: rate_text.to_string(), enabled, campaign };
        plan.add(entry).map_err(|e| blame(e, &r, "count"))?;
    }
    if plan.entries().is_empty() {
        return Err(invalid(p, "rates", "at least one count"));
    }
    Ok(plan)
}

/// `limits`: replacements for the built-in legal values the sources leave uncertain.
fn read_limits(input: &Input) -> Result<Overrides> {
    let Some(l) = input.opt_object("limits")? else { return Ok(Overrides::default()) };
    let mut overrides = Overrides {
        personal_max: opt_small(&l, "personal_max", 1, MAX_COUNT)?,
        commercial_max: opt_small(&l, "commercial_max", 1, MAX_COUNT)?,
        categories: vec![],
    };
    let Some(categories) = l.opt_object("categories")? else { return Ok(overrides) };
    for id in categories.map().keys() {
        let category = Category::find(id).map_err(|e| blame(e, &categories, id))?;
        let c = categories.object(id)?;
        let threshold = c.opt_amount("above", Currency::try_(), Sign::Positive)?;
        let above = match (threshold, opt_small(&c, "max_above", 1, MAX_COUNT)?) {
            (Some(amount), Some(max)) => Some(Above { amount: amount.minor(), max }),
            (None, None) => None,
            _ => return Err(invalid(&c, "above", "give above together with max_above")),
        };
        let max = opt_small(&c, "max", 1, MAX_COUNT)?.ok_or_else(|| missing(&c, "max"))?;
        overrides.categories.push((category, Cap { max, above }));
    }
    Ok(overrides)
}

/// The card from `card.number` (a PAN or its first 6+ digits), the `issuer` override and the
/// `family` shorthand (= `issuer.family`).
fn read_issuer(input: &Input) -> Result<Issuer> {
    let mut over = issuer_override(input)?;
    if let Some(name) = input.opt_str_max("family", 64)? {
        let family = Family::find(name).map_err(|e| blame(e, input, "family"))?;
        let o = over.get_or_insert_with(Default::default);
        if o.family.is_some() {
            return Err(invalid(input, "family", "give the family here or as issuer.family, not both"));
        }
        o.family = Some(family);
    }
    let pan = match input.opt_object("card")? {
        None => None,
        Some(card) => {
            let pan = Pan::normalize(card.str_max("number", 64)?).map_err(|e| blame(e, &card, "number"))?;
            if pan.len() < 6 {
                let e = Error::new(Code::CardTooShort).detail("give at least the first 6 digits");
                return Err(blame(e, &card, "number"));
            }
            Some(pan)
        }
    };
    Ok(issuer::resolve(pan.as_ref().map_or("", |p| p.digits()), over.as_ref()))
}

fn both(f: impl Fn(Lang) -> String) -> Value {
    json!({ "en": f(Lang::En), "tr": f(Lang::Tr) })
}

/// Inserts `key` as a decimal string and `key_minor` as an integer.
fn put_amount(map: &mut Map<String, Value>, key: &str, minor: Option<i64>, currency: &'static Currency) -> Result<()> {
    let decimal = match minor {
        Some(m) => Value::from(Money::from_minor(m, currency)?.decimal()),
        None => Value::Null,
    };
    map.insert(key.into(), decimal);
    map.insert(format!("{key}_minor"), minor.map_or(Value::Null, Value::from));
    Ok(())
}

fn campaign_json(c: &Campaign) -> Value {
    if c.is_empty() {
        return Value::Null;
    }
    let labels = match (labels::campaign(c, Lang::En), labels::campaign(c, Lang::Tr)) {
        (Some(en), Some(tr)) => json!({ "en": en, "tr": tr }),
        _ => Value::Null,
    };
    json!({
        "plus_installments": c.plus_installments,
        "deferral_months": c.deferral_months,
        "name": c.name,
        "labels": labels,
    })
}

fn offer_json(o: &Offer, currency: &'static Currency) -> Result<Value> {
    let mut m = Map::new();
    m.insert("count".into(), o.entry.count.into());
    m.insert("rate".into(), o.entry.rate_text.clone().into());
    put_amount(&mut m, "total", Some(o.price.total), currency)?;
    put_amount(&mut m, "per_installment", Some(o.split.per_installment), currency)?;
    put_amount(&mut m, "first_installment", Some(o.split.first), currency)?;
    put_amount(&mut m, "commission", Some(o.price.commission), currency)?;
    put_amount(&mut m, "merchant_net", o.price.merchant_net, currency)?;
    m.insert("labels".into(), both(|lang| labels::offer(o, currency, lang)));
    m.insert("campaign".into(), campaign_json(&o.entry.campaign));
    Ok(Value::Object(m))
}

/// `plan`, `options` and `removed` of a quote; the text of each reason goes once into `reasons`.
fn quote_fields(
    q: &Quote,
    currency: &'static Currency,
    into: &mut Map<String, Value>,
    reasons: &mut Map<String, Value>,
) -> Result<()> {
    let plan = q.plan.map(|p| json!({ "family": p.family_id(), "pos": p.pos, "mode": p.mode.as_str() }));
    into.insert("plan".into(), plan.unwrap_or(Value::Null));
    let mut options = Vec::with_capacity(q.offers.len());
    for o in &q.offers {
        options.push(offer_json(o, currency)?);
    }
    into.insert("options".into(), options.into());
    let mut removed = Vec::with_capacity(q.removed.len());
    for Removed { count, reason } in &q.removed {
        let code = reason.code();
        if !reasons.contains_key(&code) {
            reasons.insert(code.clone(), both(|lang| labels::reason(reason, currency, lang)));
        }
        removed.push(json!({ "count": count, "reason": code }));
    }
    into.insert("removed".into(), removed.into());
    Ok(())
}

fn amount_fields(amount: Money) -> Result<Map<String, Value>> {
    let mut m = Map::new();
    put_amount(&mut m, "amount", Some(amount.minor()), amount.currency())?;
    m.insert("currency".into(), amount.currency().alpha.into());
    Ok(m)
}

pub fn quote(input: &Input, _ctx: &Context) -> Result<Value> {
    let c = read_common(input)?;
    let issuer = read_issuer(input)?;
    let card = Card::from_issuer(&issuer);
    let q = c.quote(card.family, card.class)?;
    let mut result = amount_fields(c.amount)?;
    result.insert("issuer".into(), issuer_json(&issuer));
    result.insert("card_class".into(), card.class.as_str().into());
    result.insert("assumed".into(), json!(card.assumed));
    result.insert("max_count".into(), q.max_count.into());
    let mut reasons = Map::new();
    quote_fields(&q, c.amount.currency(), &mut result, &mut reasons)?;
    result.insert("reasons".into(), reasons.into());
    Ok(Value::Object(result))
}

pub fn table(input: &Input, _ctx: &Context) -> Result<Value> {
    let c = read_common(input)?;
    let class = match input.opt_bool("commercial")? {
        Some(true) => CardClass::CommercialCredit,
        _ => CardClass::PersonalCredit,
    };
    // Rows: the requested families, else one per plan.
    let mut families: Vec<Option<&'static Family>> = Vec::new();
    for (i, v) in input.opt_array("families")?.iter().enumerate() {
        let field = format!("{}[{i}]", input.field("families"));
        let family = match v {
            Value::String(s) => family_or_default(s).map_err(|e| e.at(field.clone()))?,
            _ => return Err(Error::new(Code::RequestInvalidType).at(field).detail("expected string")),
        };
        if families.iter().any(|f| f.map(|f| f.id) == family.map(|f| f.id)) {
            return Err(Error::new(Code::RequestInvalidValue).at(field).detail("listed twice"));
        }
        families.push(family);
    }
    if families.is_empty() {
        families = c.plans.iter().map(|p| p.family).collect();
    }

    let currency = c.amount.currency();
    let mut rows = Vec::with_capacity(families.len());
    // Bit n set: some row offers count n (n ≤ 18).
    let mut offered: u32 = 0;
    let mut max_count = 1;
    let mut reasons = Map::new();
    for family in families {
        let q = c.quote(family, class)?;
        offered = q.offers.iter().fold(offered, |bits, o| bits | 1 << o.entry.count);
        max_count = q.max_count; // the same in every row: it does not depend on the family
        let mut row = Map::new();
        row.insert("family".into(), family.map_or("default", |f| f.id).into());
        let name = match family {
            Some(f) => json!({ "en": f.name, "tr": f.name }),
            None => json!({ "en": "Other cards", "tr": "Diğer kartlar" }),
        };
        row.insert("name".into(), name);
        quote_fields(&q, currency, &mut row, &mut reasons)?;
        rows.push(Value::Object(row));
    }
    let mut result = amount_fields(c.amount)?;
    result.insert("card_class".into(), class.as_str().into());
    result.insert("max_count".into(), max_count.into());
    let counts: Vec<u8> = (1..=MAX_COUNT).filter(|n| offered & 1 << n != 0).collect();
    result.insert("counts".into(), counts.into());
    result.insert("rows".into(), rows.into());
    result.insert("reasons".into(), reasons.into());
    Ok(Value::Object(result))
}
