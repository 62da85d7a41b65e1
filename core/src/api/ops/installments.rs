//! `installments.quote` and `installments.table`: request JSON → rate plans, cart and card →
//! the installments engine → options and removal reasons as JSON.

use super::card::{issuer_override, write_issuer};
use crate::api::{Context, Input};
use crate::card::Pan;
use crate::date::Date;
use crate::error::{Code, Error, Lang, Result};
use crate::installments::limits::{Above, Cap};
use crate::installments::{
    self, labels, plan, Campaign, Card, CardClass, CartItem, Category, Mode, Offer, Overrides, Plan, Quote, Rate,
    RateEntry, Reason, Removed, Request, MAX_COUNT,
};
use crate::issuer::{self, Family, Issuer};
use crate::json::Object;
use crate::money::{Currency, Money, Sign};
use serde_json::Value;

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

/// `{"en": …, "tr": …}`.
fn write_both(mut o: Object, f: impl Fn(Lang) -> String) {
    o.field("en", &f(Lang::En)).field("tr", &f(Lang::Tr));
}

/// Writes `key` as a decimal string and `key_minor` as an integer.
fn write_amount(o: &mut Object, key: &str, minor: Option<i64>, currency: &'static Currency) -> Result<()> {
    let decimal = match minor {
        Some(m) => Some(Money::from_minor(m, currency)?.decimal()),
        None => None,
    };
    o.field(key, &decimal).field(&[key, "_minor"].concat(), &minor);
    Ok(())
}

fn write_campaign(o: &mut Object, c: &Campaign) {
    if c.is_empty() {
        o.field("campaign", &None::<bool>);
        return;
    }
    let mut campaign = o.object("campaign");
    campaign.field("deferral_months", &c.deferral_months);
    match (labels::campaign(c, Lang::En), labels::campaign(c, Lang::Tr)) {
        (Some(en), Some(tr)) => _ = campaign.object("labels").field("en", &en).field("tr", &tr),
        _ => _ = campaign.field("labels", &None::<bool>),
    }
    campaign.field("name", &c.name).field("plus_installments", &c.plus_installments);
}

fn write_offer(mut m: Object, o: &Offer, currency: &'static Currency) -> Result<()> {
    write_campaign(&mut m, &o.entry.campaign);
    write_amount(&mut m, "commission", Some(o.price.commission), currency)?;
    m.field("count", &o.entry.count);
    write_amount(&mut m, "first_installment", Some(o.split.first), currency)?;
    write_both(m.object("labels"), |lang| labels::offer(o, currency, lang));
    write_amount(&mut m, "merchant_net", o.price.merchant_net, currency)?;
    write_amount(&mut m, "per_installment", Some(o.split.per_installment), currency)?;
    m.field("rate", &o.entry.rate_text);
    write_amount(&mut m, "total", Some(o.price.total), currency)
}

/// Each reason a quote removed a count for, once per code (the first one seen), sorted by code.
type Reasons = Vec<(String, Reason)>;

fn collect_reasons(q: &Quote, reasons: &mut Reasons) {
    for Removed { reason, .. } in &q.removed {
        let code = reason.code();
        if let Err(at) = reasons.binary_search_by(|(c, _)| c.as_str().cmp(&code)) {
            reasons.insert(at, (code, *reason));
        }
    }
}

fn write_reasons(mut o: Object, reasons: &Reasons, currency: &'static Currency) {
    for (code, reason) in reasons {
        write_both(o.object(code), |lang| labels::reason(reason, currency, lang));
    }
}

/// `options` and `plan` of a quote.
fn write_options_and_plan(o: &mut Object, q: &Quote, currency: &'static Currency) -> Result<()> {
    {
        let mut options = o.array("options");
        for offer in &q.offers {
            write_offer(options.object(), offer, currency)?;
        }
    }
    match q.plan {
        Some(p) => {
            _ = o.object("plan").field("family", p.family_id()).field("mode", p.mode.as_str()).field("pos", &p.pos)
        }
        None => _ = o.field("plan", &None::<bool>),
    }
    Ok(())
}

/// `removed` of a quote: each count with the code of its reason (the text is in `reasons`).
fn write_removed(o: &mut Object, q: &Quote) {
    let mut removed = o.array("removed");
    for Removed { count, reason } in &q.removed {
        removed.object().field("count", count).field("reason", &reason.code());
    }
}

pub fn quote(input: &Input, _ctx: &Context, out: &mut String) -> Result<()> {
    let c = read_common(input)?;
    let issuer = read_issuer(input)?;
    let card = Card::from_issuer(&issuer);
    let q = c.quote(card.family, card.class)?;
    let currency = c.amount.currency();
    let mut reasons = Reasons::new();
    collect_reasons(&q, &mut reasons);
    let mut o = Object::new(out);
    write_amount(&mut o, "amount", Some(c.amount.minor()), currency)?;
    o.field("assumed", &card.assumed).field("card_class", card.class.as_str()).field("currency", currency.alpha);
    write_issuer(o.object("issuer"), &issuer);
    o.field("max_count", &q.max_count);
    write_options_and_plan(&mut o, &q, currency)?;
    write_reasons(o.object("reasons"), &reasons, currency);
    write_removed(&mut o, &q);
    Ok(())
}

pub fn table(input: &Input, _ctx: &Context, out: &mut String) -> Result<()> {
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
    let mut reasons = Reasons::new();
    for family in families {
        let q = c.quote(family, class)?;
        offered = q.offers.iter().fold(offered, |bits, o| bits | 1 << o.entry.count);
        max_count = q.max_count; // the same in every row: it does not depend on the family
        collect_reasons(&q, &mut reasons);
        rows.push((family, q));
    }
    let mut o = Object::new(out);
    write_amount(&mut o, "amount", Some(c.amount.minor()), currency)?;
    o.field("card_class", class.as_str());
    let counts: Vec<u8> = (1..=MAX_COUNT).filter(|n| offered & 1 << n != 0).collect();
    o.field("counts", &counts).field("currency", currency.alpha).field("max_count", &max_count);
    write_reasons(o.object("reasons"), &reasons, currency);
    let mut list = o.array("rows");
    for (family, q) in &rows {
        let mut row = list.object();
        row.field("family", family.map_or("default", |f| f.id));
        match family {
            Some(f) => _ = row.object("name").field("en", f.name).field("tr", f.name),
            None => _ = row.object("name").field("en", "Other cards").field("tr", "Diğer kartlar"),
        }
        write_options_and_plan(&mut row, q, currency)?;
        write_removed(&mut row, q);
    }
    Ok(())
}
