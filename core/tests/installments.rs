//! `installments.quote` and `installments.table` through the JSON API, as every host calls them.

use proptest::prelude::*;
use sanalpos_core::handle;
use sanalpos_core::installments::limits::CATEGORIES;
use sanalpos_core::installments::Reason;
use serde_json::{json, Value};

fn call(request: &Value) -> Value {
    serde_json::from_str(&handle(&request.to_string())).unwrap()
}

fn ok(request: &Value) -> Value {
    let answer = call(request);
    assert_eq!(answer["ok"], true, "{answer}");
    answer["result"].clone()
}

/// The error code and field of a failed request.
fn error(request: &Value) -> (String, String) {
    let answer = call(request);
    assert_eq!(answer["ok"], false, "{answer}");
    let e = &answer["error"];
    (e["code"].as_str().unwrap().to_string(), e["field"].as_str().unwrap_or("").to_string())
}

/// A plan offering every count 1–18 at `count − 1` percent.
fn full_plan(family: &str, mode: &str) -> Value {
    let rates: Vec<Value> = (1..=18).map(|n| json!({"count": n, "rate": format!("{}", n - 1)})).collect();
    json!({"family": family, "mode": mode, "rates": rates})
}

fn quote(extra: Value) -> Value {
    let mut req = json!({"op": "installments.quote", "amount": "1000.00", "today": "2026-11-27",
        "plans": [full_plan("default", "markup")]});
    for (k, v) in extra.as_object().unwrap() {
        req[k] = v.clone();
    }
    req
}

fn counts(result: &Value) -> Vec<u64> {
    result["options"].as_array().unwrap().iter().map(|o| o["count"].as_u64().unwrap()).collect()
}

/// The reason code for `count`, or "offer".
fn fate(result: &Value, count: u64) -> String {
    if counts(result).contains(&count) {
        return "offer".into();
    }
    let removed = result["removed"].as_array().unwrap();
    removed.iter().find(|r| r["count"] == count).unwrap()["reason"].as_str().unwrap().to_string()
}

fn option(result: &Value, count: u64) -> Value {
    result["options"].as_array().unwrap().iter().find(|o| o["count"] == count).unwrap().clone()
}

#[test]
fn known_values() {
    // Issue #3: 1000.00 TRY at 10 % → markup 1100.00, grossup 1111.11.
    for (mode, total, commission) in [("markup", "1100.00", "100.00"), ("grossup", "1111.11", "111.11")] {
        let r =
            ok(&quote(json!({"plans": [{"family": "default", "mode": mode, "rates": [{"count": 1, "rate": "10"}]}]})));
        let o = option(&r, 1);
        assert_eq!((o["total"].as_str(), o["commission"].as_str()), (Some(total), Some(commission)), "{mode}");
        assert_eq!(o["merchant_net"], Value::Null);
    }
    // 1000.00 TRY in 3 with 2.5 % markup → 1025.00 = 341.68 + 341.66 + 341.66.
    let r =
        ok(&quote(json!({"plans": [{"family": "default", "mode": "markup", "rates": [{"count": 3, "rate": "2.5"}]}]})));
    let o = option(&r, 3);
    assert_eq!(o["total"], "1025.00");
    assert_eq!(o["total_minor"], 102_500);
    assert_eq!(o["first_installment"], "341.68");
    assert_eq!(o["per_installment"], "341.66");
    assert_eq!(o["per_installment_minor"], 34_166);
    assert_eq!(o["rate"], "2.5");
    assert_eq!(
        o["labels"],
        json!({"en": "3 installments of 341.66 TRY (first 341.68 TRY)", "tr": "3 x 341,66 TL taksit (ilk taksit 341,68 TL)"})
    );
    // Absorb: the customer pays the amount; the merchant's cost and net are shown.
    let r = ok(&quote(
        json!({"plans": [{"family": "default", "mode": "absorb", "rates": [{"count": 6, "rate": "4.99"}]}]}),
    ));
    let o = option(&r, 6);
    assert_eq!((o["total"].as_str(), o["commission"].as_str()), (Some("1000.00"), Some("49.90")));
    assert_eq!((o["merchant_net"].as_str(), o["merchant_net_minor"].as_i64()), (Some("950.10"), Some(95_010)));
    assert_eq!((o["per_installment"].as_str(), o["first_installment"].as_str()), (Some("166.66"), Some("166.70")));
}

#[test]
fn every_count_is_offered_or_explained() {
    let r = ok(&quote(json!({"cart": [{"category": "electronics"}]})));
    let mut all: Vec<u64> = counts(&r);
    for removed in r["removed"].as_array().unwrap() {
        all.push(removed["count"].as_u64().unwrap());
        let code = removed["reason"].as_str().unwrap();
        assert!(r["reasons"][code]["en"].is_string() && r["reasons"][code]["tr"].is_string(), "{code}");
    }
    all.sort();
    assert_eq!(all, (1..=18).collect::<Vec<_>>());
    assert_eq!(r["max_count"], 4);
    assert_eq!(
        r["reasons"]["limit.category.electronics"]["tr"],
        "Yasal sınır: elektronik eşya alımlarında en fazla 4 taksit"
    );
}

#[test]
fn card_facts_and_the_plan_they_pick() {
    let plans = json!([full_plan("axess", "markup"), full_plan("default", "absorb")]);
    // A BIN prefix from the built-in table: Akbank 413252 → Axess; the number is never echoed.
    let r = ok(&quote(json!({"plans": plans, "card": {"number": "4132 5200 0000 0008"}})));
    assert_eq!(r["plan"]["family"], "axess");
    assert_eq!(r["issuer"]["bank_code"], "0046");
    assert_eq!(r["card_class"], "personal_credit");
    assert_eq!(r["assumed"], json!(["card_type", "commercial"]));
    assert!(!r.to_string().contains("4132520000000008"));
    // The `family` shorthand; a sub-brand takes its parent's plan.
    let wings = ok(&quote(json!({"plans": plans, "family": "Wings"})));
    assert_eq!((wings["plan"]["family"].as_str(), wings["issuer"]["family"].as_str()), (Some("axess"), Some("wings")));
    assert_eq!(wings["assumed"], json!(["country", "card_type", "commercial"]));
    // Nothing known: the default plan, assuming a domestic personal credit card.
    let unknown = ok(&quote(json!({"plans": plans})));
    assert_eq!(unknown["plan"]["family"], "default");
    assert_eq!(unknown["issuer"]["source"], "unknown");
    // An override with every fact: nothing assumed.
    let known = ok(&quote(json!({"plans": plans, "card": {"number": "413252"},
        "issuer": {"card_type": "credit", "commercial": false, "country": "TR"}})));
    assert_eq!(known["assumed"], json!([]));
    // No plan for the family and no default.
    let none = ok(&quote(json!({"plans": [full_plan("bonus", "markup")], "family": "world"})));
    assert_eq!(none["plan"], Value::Null);
    assert_eq!(fate(&none, 1), "limit.no_plan");
    assert_eq!(none["options"], json!([]));
}

#[test]
fn card_types_and_currencies() {
    let cart = json!([{"category": "jewellery"}]);
    for (issuer, class, reason) in [
        (json!({"card_type": "debit"}), "debit", "limit.debit_card"),
        (json!({"card_type": "prepaid"}), "prepaid", "limit.prepaid_card"),
        (json!({"country": "DE"}), "foreign", "limit.foreign_card"),
    ] {
        let r = ok(&quote(json!({"issuer": issuer, "cart": cart})));
        assert_eq!(r["card_class"], class);
        assert_eq!(counts(&r), [1]);
        assert!((2..=18).all(|n| fate(&r, n) == reason), "{reason}");
    }
    // Commercial cards: no category bans, their own maximum (18, or as overridden).
    let commercial = json!({"card_type": "credit", "commercial": true});
    let r = ok(&quote(json!({"issuer": commercial, "cart": cart})));
    assert_eq!((r["card_class"].as_str(), r["max_count"].as_u64()), (Some("commercial_credit"), Some(18)));
    let r = ok(&quote(json!({"issuer": commercial, "cart": cart, "limits": {"commercial_max": 12}})));
    assert_eq!(fate(&r, 13), "limit.commercial_max");
    assert_eq!(r["reasons"]["limit.commercial_max"]["en"], "Commercial cards allow at most 12 installments");
    // Installments are TRY only.
    let eur = ok(&quote(json!({"currency": "EUR", "amount": "100.00"})));
    assert_eq!((counts(&eur), eur["currency"].as_str()), (vec![1], Some("EUR")));
    assert_eq!(fate(&eur, 2), "limit.currency");
    let jpy = ok(&quote(json!({"currency": "392", "amount": "1500"})));
    assert_eq!(option(&jpy, 1)["labels"]["tr"], "Peşin: 1.500 JPY");
}

#[test]
fn legal_limits_per_category_and_date() {
    let max =
        |cart: Value, today: &str| ok(&quote(json!({"cart": cart, "today": today})))["max_count"].as_u64().unwrap();
    for (category, expected) in [
        ("general", 12),
        ("white_goods", 9),
        ("furniture", 9),
        ("electronics", 4),
        ("computers", 12),
        ("tablets", 6),
        ("travel", 12),
        ("travel_abroad", 6),
        ("health", 12),
        ("education", 12),
        ("tax", 12),
        ("transport", 12),
        ("clubs", 6),
        ("phones_new", 1),
        ("telecom", 1),
        ("jewellery", 1),
        ("food", 1),
        ("groceries", 1),
        ("alcohol", 1),
        ("fuel", 1),
        ("cosmetics", 1),
        ("office_supplies", 1),
        ("gift_cards", 1),
        ("direct_marketing", 1),
    ] {
        assert_eq!(max(json!([{"category": category}]), "2026-11-27"), expected, "{category}");
    }
    // Amount-dependent categories look at the line's price, else the quote amount.
    assert_eq!(max(json!([{"category": "tv", "price": "5000.00"}]), "2026-11-27"), 9);
    assert_eq!(max(json!([{"category": "tv", "price": "5000.01"}]), "2026-11-27"), 4);
    assert_eq!(max(json!([{"category": "phones_refurbished", "price": "25000.00"}]), "2026-11-27"), 12);
    assert_eq!(max(json!([{"category": "phones_refurbished", "price": "25000.01"}]), "2026-11-27"), 3);
    // The strictest line wins.
    assert_eq!(
        max(json!([{"category": "computers"}, {"category": "tablets"}, {"category": "general"}]), "2026-11-27"),
        6
    );
    // Effective dates.
    let phone = json!([{"category": "phones_refurbished", "price": "30000.00"}]);
    assert_eq!(max(phone.clone(), "2024-12-04"), 12);
    assert_eq!(max(phone.clone(), "2024-12-05"), 3);
    assert_eq!(max(phone, "2022-12-31"), 1);
    assert_eq!(max(json!([{"category": "white_goods"}]), "2020-01-01"), 18);
    assert_eq!(max(json!([{"category": "electronics"}]), "2019-06-11"), 3);
    assert_eq!(max(json!([{"category": "electronics"}]), "2019-06-12"), 6);
    // Overrides for the uncertain values.
    let tv = json!([{"category": "tv", "price": "6000.00"}]);
    let over = |limits: Value| ok(&quote(json!({"cart": tv, "limits": limits})))["max_count"].as_u64().unwrap();
    assert_eq!(over(json!({"categories": {"tv": {"max": 9, "above": "10000.00", "max_above": 6}}})), 9);
    assert_eq!(over(json!({"categories": {"tv": {"max": 3}}})), 3);
    assert_eq!(over(json!({"personal_max": 2})), 2);
}

#[test]
fn plan_settings_and_campaigns() {
    let plan = json!({"family": "bonus", "pos": "garanti-1", "mode": "markup", "min_installment_amount": "200.00", "rates": [
        {"count": 1, "rate": "0"},
        {"count": 2, "rate": "1.25", "enabled": false},
        {"count": 3, "rate": "2.5", "plus_installments": 3, "deferral_months": 2, "campaign": "Bonus +3"},
        {"count": 4, "rate": "3", "campaign": "Bonus"},
        {"count": 6, "rate": "5"},
    ]});
    let r = ok(&quote(json!({"plans": [plan], "family": "bonus"})));
    assert_eq!(r["plan"], json!({"family": "bonus", "pos": "garanti-1", "mode": "markup"}));
    assert_eq!(fate(&r, 2), "limit.disabled");
    assert_eq!(fate(&r, 5), "limit.not_in_plan");
    assert_eq!(fate(&r, 6), "limit.min_installment", "1050.00 / 6 = 175.00 < 200.00");
    assert_eq!(r["reasons"]["limit.min_installment"]["tr"], "Taksit tutarı en az 200,00 TL olmalı");
    assert_eq!(option(&r, 1)["campaign"], Value::Null);
    assert_eq!(
        option(&r, 3)["campaign"],
        json!({"plus_installments": 3, "deferral_months": 2, "name": "Bonus +3",
            "labels": {"en": "+3 installments, first installment deferred 2 months", "tr": "+3 taksit, 2 ay erteleme"}})
    );
    assert_eq!(option(&r, 3)["total"], "1025.00", "campaigns never change the price");
    assert_eq!(option(&r, 4)["campaign"]["labels"], Value::Null);
}

#[test]
fn table_rows_per_family() {
    let plans = json!([
        {"family": "bonus", "mode": "grossup", "rates": [{"count": 1, "rate": "0"}, {"count": 3, "rate": "3.5"}, {"count": 12, "rate": "13"}]},
        {"family": "axess", "mode": "markup", "rates": [{"count": 1, "rate": "0"}, {"count": 2, "rate": "2"}]},
        {"family": "default", "mode": "absorb", "rates": [{"count": 1, "rate": "1.99"}]},
    ]);
    let req = json!({"op": "installments.table", "amount": "2500.00", "today": "2026-11-27", "plans": plans,
        "cart": [{"category": "white_goods"}]});
    let r = ok(&req);
    assert_eq!(r["card_class"], "personal_credit");
    assert_eq!(r["max_count"], 9);
    assert_eq!(r["counts"], json!([1, 2, 3]));
    let rows = r["rows"].as_array().unwrap();
    let families: Vec<&str> = rows.iter().map(|row| row["family"].as_str().unwrap()).collect();
    assert_eq!(families, ["bonus", "axess", "default"]);
    assert_eq!(rows[0]["name"], json!({"en": "Bonus", "tr": "Bonus"}));
    assert_eq!(rows[2]["name"], json!({"en": "Other cards", "tr": "Diğer kartlar"}));
    assert_eq!(option(&rows[0], 3)["total"], "2590.67");
    assert_eq!(fate(&rows[0], 12), "limit.category.white_goods");
    assert_eq!(option(&rows[2], 1)["merchant_net"], "2450.25");
    assert!(r["reasons"]["limit.category.white_goods"].is_object());
    // Chosen rows, with sub-brand fallback; commercial cards have their own table.
    let mut chosen = req.clone();
    chosen["families"] = json!(["bonus", "wings", "world", "default"]);
    chosen["commercial"] = json!(true);
    let r = ok(&chosen);
    let rows = r["rows"].as_array().unwrap();
    assert_eq!(rows[1]["plan"]["family"], "axess");
    assert_eq!(rows[2]["plan"]["family"], "default");
    assert_eq!((r["card_class"].as_str(), r["max_count"].as_u64()), (Some("commercial_credit"), Some(18)));
    assert_eq!(r["counts"], json!([1, 2, 3, 12]), "white goods do not bind commercial cards");
    chosen["families"] = json!(["world", "World"]);
    assert_eq!(error(&chosen), ("request.invalid_value".into(), "families[1]".into()));
    chosen["families"] = json!(["platinum"]);
    assert_eq!(error(&chosen), ("issuer.unknown_family".into(), "families[0]".into()));
    chosen["families"] = json!([5]);
    assert_eq!(error(&chosen), ("request.invalid_type".into(), "families[0]".into()));
}

#[test]
fn bad_input_gets_its_own_code() {
    let plan = |rates: Value| json!({"plans": [{"family": "default", "mode": "grossup", "rates": rates}]});
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"amount": "-5.00"}), "money.negative", "amount"),
        (json!({"amount": "0"}), "money.zero", "amount"),
        (json!({"amount": 1000}), "money.invalid_type", "amount"),
        (json!({"currency": "XYZ"}), "money.unknown_currency", "currency"),
        (json!({"today": "2026-02-30"}), "date.invalid", "today"),
        (json!({"today": null}), "request.missing_field", "today"),
        (plan(json!([{"count": 1, "rate": "100"}])), "installments.grossup_rate", "plans[0].rates[0].rate"),
        (
            plan(json!([{"count": 1, "rate": "2.49001"}])),
            "installments.rate_too_many_decimals",
            "plans[0].rates[0].rate",
        ),
        (plan(json!([{"count": 1, "rate": "2,49"}])), "installments.rate_format", "plans[0].rates[0].rate"),
        (plan(json!([{"count": 1, "rate": "100.01"}])), "installments.rate_too_high", "plans[0].rates[0].rate"),
        (plan(json!([{"count": 1, "rate": 2.49}])), "request.invalid_type", "plans[0].rates[0].rate"),
        (plan(json!([{"count": 0, "rate": "1"}])), "installments.count_out_of_range", "plans[0].rates[0].count"),
        (plan(json!([{"count": 19, "rate": "1"}])), "installments.count_out_of_range", "plans[0].rates[0].count"),
        (
            plan(json!([{"count": 3, "rate": "1"}, {"count": 3, "rate": "2"}])),
            "installments.duplicate_count",
            "plans[0].rates[1].count",
        ),
        (plan(json!([])), "request.invalid_value", "plans[0].rates"),
        (
            plan(json!([{"count": 2, "rate": "1", "plus_installments": 40}])),
            "request.invalid_value",
            "plans[0].rates[0].plus_installments",
        ),
        (
            json!({"plans": [{"family": "gold", "mode": "markup", "rates": [{"count": 1, "rate": "0"}]}]}),
            "issuer.unknown_family",
            "plans[0].family",
        ),
        (
            json!({"plans": [{"family": "default", "mode": "surcharge", "rates": [{"count": 1, "rate": "0"}]}]}),
            "request.invalid_value",
            "plans[0].mode",
        ),
        (
            json!({"plans": [full_plan("bonus", "markup"), full_plan("BonusCard", "absorb")]}),
            "installments.duplicate_plan",
            "plans[1].family",
        ),
        (json!({"plans": []}), "request.invalid_value", "plans"),
        (json!({"plans": null}), "request.missing_field", "plans"),
        (json!({"cart": [{"category": "toys"}]}), "installments.unknown_category", "cart[0].category"),
        (json!({"cart": ["tv"]}), "request.invalid_type", "cart[0]"),
        (json!({"family": "platinum"}), "issuer.unknown_family", "family"),
        (json!({"family": "bonus", "issuer": {"family": "world"}}), "request.invalid_value", "family"),
        (json!({"card": {"number": "45467"}}), "card.too_short", "card.number"),
        (json!({"card": {"number": "4546-71ab"}}), "card.invalid_characters", "card.number"),
        (json!({"limits": {"commercial_max": 19}}), "request.invalid_value", "limits.commercial_max"),
        (
            json!({"limits": {"categories": {"toys": {"max": 3}}}}),
            "installments.unknown_category",
            "limits.categories.toys",
        ),
        (
            json!({"limits": {"categories": {"tv": {"max": 9, "above": "5000.00"}}}}),
            "request.invalid_value",
            "limits.categories.tv.above",
        ),
        (json!({"limits": {"categories": {"tv": {}}}}), "request.missing_field", "limits.categories.tv.max"),
    ];
    for (extra, code, field) in cases {
        assert_eq!(error(&quote(extra.clone())), (code.to_string(), field.to_string()), "{extra}");
    }
    // Messages follow `lang`.
    let mut tr = quote(plan(json!([{"count": 0, "rate": "1"}])));
    tr["lang"] = json!("tr");
    assert_eq!(call(&tr)["error"]["message"], "Taksit sayısı 1 ile 18 arasında olmalı");
    // The table reads the same fields the same way.
    let table = json!({"op": "installments.table", "amount": "10.00", "today": "2026-11-27", "plans": [full_plan("default", "grossup")],
        "cart": [{"category": "tv", "price": "-1"}]});
    assert_eq!(error(&table), ("money.negative".into(), "cart[0].price".into()));
}

#[test]
fn the_api_reference_lists_every_reason_and_category() {
    let reference = include_str!("../API.md");
    for code in Reason::FIXED_CODES {
        assert!(reference.contains(&format!("`{code}`")), "{code} missing from core/API.md");
    }
    for category in CATEGORIES {
        assert!(
            reference.contains(&format!("| `{}` |", category.id)),
            "category {} missing from core/API.md",
            category.id
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Through JSON too: the installments sum to the total, absorb keeps the amount, and the
    /// decimal and minor-unit fields agree.
    #[test]
    fn quoted_installments_sum_to_the_total(
        minor in 1i64..=1_000_000_000,
        units in 0u32..=500_000,
        count in 1u64..=12,
        mode in prop_oneof![Just("absorb"), Just("markup"), Just("grossup")],
    ) {
        let amount = format!("{}.{:02}", minor / 100, minor % 100);
        let rate = format!("{}.{:04}", units / 10_000, units % 10_000);
        let r = ok(&quote(json!({"amount": amount,
            "plans": [{"family": "default", "mode": mode, "rates": [{"count": count, "rate": rate}]}]})));
        let o = option(&r, count);
        let total = o["total_minor"].as_i64().unwrap();
        let (first, per) = (o["first_installment_minor"].as_i64().unwrap(), o["per_installment_minor"].as_i64().unwrap());
        prop_assert_eq!(first + per * (count as i64 - 1), total);
        let digits = o["total"].as_str().unwrap().replace('.', "");
        prop_assert_eq!(digits.trim_start_matches('0'), total.to_string());
        if mode == "absorb" {
            prop_assert_eq!(total, minor);
        } else {
            prop_assert_eq!(o["commission_minor"].as_i64().unwrap(), total - minor);
        }
    }
}
