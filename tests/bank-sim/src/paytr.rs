//! PayTR (payment service provider), docs/pos-protocols.md §10. Every message is signed with
//! `b64(HMAC_SHA256(merchant_key, fields . merchant_salt))` (the salt's place differs), checked
//! here by the core's formulas. iFrame API (`3d_host`): the shop asks for a token server-to-server
//! (`odeme/api/get-token`) and shows PayTR's page (`odeme/guvenli/<token>`), where the shopper
//! enters the card. Direct API (`3d_pay`): the browser posts the signed form with the card to
//! `odeme`. Either way PayTR authenticates (the ACS), charges, sends the shopper back to the
//! shop's ok or fail address with a plain GET, and posts the result to the merchant's
//! notification address ("Bildirim URL", set with `POST /admin/notification-url`) until the shop
//! answers `OK`. Refunds (`odeme/iade`) and status queries (`odeme/durum-sorgu`) are
//! server-to-server. Error words without a public sample are the simulator's own.

use crate::bank;
use crate::http::{escape, page, Request, Response};
use crate::ledger::{Kind, OrderKey, OrderState, Refusal, Verdict};
use crate::merchants::Account;
use crate::three_d::{Authentication, Model, Session};
use crate::{clock, signature, Family, Sim};
use sanalpos_core::gateway::RawPost;
use sanalpos_core::money::{Currency, Money, Sign};
use serde_json::{json, Map, Value};

pub struct PayTr;

const ID: &str = "paytr";

impl Family for PayTr {
    fn id(&self) -> &'static str {
        ID
    }

    fn endpoints(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("token", "odeme/api/get-token"),
            ("iframe", "odeme/guvenli/"),
            ("refund", "odeme/iade"),
            ("status", "odeme/durum-sorgu"),
            ("gate_direct", "odeme"),
        ]
    }

    fn serve(&self, sim: &Sim, endpoint: &str, req: &Request) -> Response {
        let Some(account) = sim.merchants.account(ID) else { return Response::not_found() };
        let form = req.form().unwrap_or_default();
        match endpoint {
            "token" => token(sim, &account, &form),
            "iframe" => iframe(sim, req, &form),
            "gate_direct" => direct(sim, &account, &form),
            "refund" => refund(sim, &account, &form),
            _ => status(sim, &account, &form),
        }
    }

    /// The browser goes back empty-handed; the result travels in the notification.
    fn callback(&self, sim: &Sim, session: &Session, auth: &Authentication) -> (String, Vec<(String, String)>) {
        let Some(account) = sim.merchants.account(ID) else { return (session.fail_url.clone(), Vec::new()) };
        let (status, code, message) = match auth.charge.as_ref().map(|b| b.verdict) {
            Some(Verdict::Approved) => ("success", "", ""),
            Some(Verdict::Declined) => ("failed", "2", "Yetersiz bakiye"),
            Some(Verdict::Refused(r)) => ("failed", "99", refusal(r).1),
            None => ("failed", "6", "3D dogrulama basarisiz"),
        };
        let total = session.amount.minor().to_string();
        let signed = json!({"merchant_oid": session.order_id, "status": status, "total_amount": total});
        let hash = signature(
            "paytr_callback",
            json!({"merchant_key": account.get("merchant_key"), "merchant_salt": account.get("merchant_salt"), "response": signed}),
        );
        let mut fields = vec![
            ("merchant_oid", session.order_id.clone()),
            ("status", status.to_string()),
            ("total_amount", total.clone()),
            ("hash", hash),
        ];
        if status == "failed" {
            fields.extend([("failed_reason_code", code.to_string()), ("failed_reason_msg", message.to_string())]);
        }
        fields.extend([
            ("test_mode", "1".to_string()),
            ("payment_type", "card".to_string()),
            ("currency", currency_code(session.amount.currency()).to_string()),
            ("payment_amount", total),
        ]);
        sim.notifications.send(ID, &session.order_id, fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
        let url = if auth.succeeded() { session.ok_url.clone() } else { session.fail_url.clone() };
        (url, Vec::new())
    }

    fn return_method(&self) -> &'static str {
        "get"
    }
}

fn currency_code(c: &Currency) -> &'static str {
    if c.alpha == "TRY" {
        "TL"
    } else {
        c.alpha
    }
}

fn currency_of(code: &str) -> Option<&'static Currency> {
    match code {
        "" | "TL" | "TRY" => Currency::find("TRY").ok(),
        "USD" | "EUR" | "GBP" | "RUB" => Currency::find(code).ok(),
        _ => None,
    }
}

/// The form as the core's signature inputs.
fn fields_json(form: &RawPost) -> Map<String, Value> {
    form.iter().map(|(k, v)| (k.to_string(), json!(String::from_utf8_lossy(v)))).collect()
}

/// The `paytr_token` of `form` by the `kind` formula, with this merchant's key and salt.
fn token_ok(account: &Account, form: &RawPost, kind: &str) -> bool {
    let expected = signature(
        kind,
        json!({"merchant_key": account.get("merchant_key"), "merchant_salt": account.get("merchant_salt"), "form": fields_json(form)}),
    );
    form.text("merchant_id") == account.get("merchant_id")
        && !expected.is_empty()
        && form.text("paytr_token") == expected
}

fn failed(reason: &str) -> Response {
    Response::json(200, &json!({"status": "failed", "reason": reason}))
}

fn error(err_no: &str, message: &str) -> Response {
    Response::json(200, &json!({"status": "error", "err_no": err_no, "err_msg": message}))
}

/// A payment waiting for its card, from the signed fields both APIs share.
fn session(account: &Account, form: &RawPost, amount: Money, installments: u32) -> Session {
    Session {
        family: ID,
        merchant: account.get("merchant_id").into(),
        merchant_name: account.name.into(),
        model: Model::ThreeDPay,
        order_id: form.text("merchant_oid"),
        amount,
        installments: installments.max(1),
        preauth: false,
        pan: String::new(),
        ok_url: form.text("merchant_ok_url"),
        fail_url: form.text("merchant_fail_url"),
        echo: vec![("max_installment".into(), form.text("max_installment"))],
    }
}

/// iFrame API step 1: a token for PayTR's page.
fn token(sim: &Sim, account: &Account, form: &RawPost) -> Response {
    if !token_ok(account, form, "paytr_iframe_token") {
        return failed("paytr_token degeri gecersiz (simulator)");
    }
    let Some(currency) = currency_of(&form.text("currency")) else { return failed("currency gecersiz") };
    let Some(amount) =
        form.text("payment_amount").parse::<i64>().ok().and_then(|m| Money::from_minor(m, currency).ok())
    else {
        return failed("payment_amount gecersiz");
    };
    if sim
        .ledger
        .state(&OrderKey {
            family: ID,
            merchant: account.get("merchant_id").into(),
            order_id: form.text("merchant_oid"),
        })
        .is_some()
    {
        return failed(refusal(Refusal::DuplicateOrder).1);
    }
    let token = clock::random_hex(40).to_lowercase();
    sim.sessions.stage(token.clone(), session(account, form, amount, 1));
    Response::json(200, &json!({"status": "success", "token": token}))
}

/// PayTR's page for a token: the card form (GET), then the ACS (POST).
fn iframe(sim: &Sim, req: &Request, form: &RawPost) -> Response {
    let token = req.path.rsplit('/').next().unwrap_or("").to_string();
    let Some(mut s) = sim.sessions.unstage(&token) else {
        return Response::error_page(404, "Ödeme bulunamadı", "The payment token is unknown or was already used.");
    };
    if req.method == "POST" {
        let expiry = form.text("expiry");
        let (month, year) = expiry.split_once('/').unwrap_or(("", ""));
        let max = s.echoed("max_installment").parse::<u32>().unwrap_or(0);
        let n = form.text("installment").parse::<u32>().unwrap_or(1).clamp(1, max.max(1));
        if let Some(pan) = bank::card(&form.text("card_number"), month.trim(), year.trim()) {
            s.pan = pan;
            s.installments = n;
            return sim.sessions.redirect(s);
        }
        sim.sessions.stage(token.clone(), s.clone());
        return Response::html(card_page(&s, &token, true));
    }
    let page = card_page(&s, &token, false);
    sim.sessions.stage(token, s);
    Response::html(page)
}

fn card_page(s: &Session, token: &str, invalid: bool) -> String {
    let max = s.echoed("max_installment").parse::<u32>().unwrap_or(0);
    let options: String = (1..=max.max(1))
        .map(|n| {
            format!(
                "<option value=\"{n}\">{}</option>",
                if n == 1 { "Tek çekim".to_string() } else { format!("{n} taksit") }
            )
        })
        .collect();
    let warning = if invalid { "<p class=\"error\" id=\"card-error\">Kart bilgileri hatalı.</p>" } else { "" };
    page(
        "PayTR ödeme",
        &format!(
            "<div class=\"bank\"><h1>PayTR güvenli ödeme</h1><dl><dt>Merchant / Mağaza</dt><dd>{merchant}</dd>\
             <dt>Amount / Tutar</dt><dd id=\"paytr-amount\">{amount} {currency}</dd></dl>{warning}\
             <form method=\"post\" action=\"{token}\">\
             <label>Card number / Kart numarası <input id=\"paytr-card\" name=\"card_number\" autocomplete=\"cc-number\" required></label><br>\
             <label>Expiry / Son kullanma (MM/YY) <input id=\"paytr-expiry\" name=\"expiry\" autocomplete=\"cc-exp\" required></label><br>\
             <label>CVV <input id=\"paytr-cvv\" name=\"cvv\" autocomplete=\"cc-csc\" required></label><br>\
             <label>Installments / Taksit <select id=\"paytr-installment\" name=\"installment\">{options}</select></label><br>\
             <button id=\"paytr-pay\">Pay / Öde</button></form></div>",
            merchant = escape(&s.merchant_name),
            amount = escape(&s.amount.decimal()),
            currency = escape(s.amount.currency().alpha),
            token = escape(token),
        ),
    )
}

/// Direct API: the signed form with the card from the browser.
fn direct(sim: &Sim, account: &Account, form: &RawPost) -> Response {
    if !token_ok(account, form, "paytr_direct_token") {
        return Response::error_page(400, "PAYTR", "paytr_token degeri gecersiz (simulator).");
    }
    let Some(currency) = currency_of(&form.text("currency")) else {
        return Response::error_page(400, "PAYTR", "currency gecersiz.");
    };
    let Ok(amount) = Money::parse(&form.text("payment_amount"), currency, Sign::Positive) else {
        return Response::error_page(400, "PAYTR", "payment_amount gecersiz.");
    };
    let Some(pan) = bank::card(&form.text("card_number"), &form.text("expiry_month"), &form.text("expiry_year")) else {
        return Response::error_page(400, "PAYTR", "Kart bilgileri hatalı.");
    };
    let installments = form.text("installment_count").parse::<u32>().unwrap_or(0);
    let s = Session { pan, ..session(account, form, amount, installments) };
    sim.sessions.redirect(s)
}

fn key(account: &Account, form: &RawPost) -> OrderKey {
    OrderKey { family: ID, merchant: account.get("merchant_id").into(), order_id: form.text("merchant_oid") }
}

/// İade API: part or all of a payment.
fn refund(sim: &Sim, account: &Account, form: &RawPost) -> Response {
    if !token_ok(account, form, "paytr_refund_token") {
        return error("001", "paytr_token degeri gecersiz (simulator)");
    }
    let key = key(account, form);
    let currency = sim.ledger.state(&key).and_then(|s| Currency::find(&s.payment.currency).ok());
    let Some(m) = currency.and_then(|c| Money::parse(&form.text("return_amount"), c, Sign::Positive).ok()) else {
        return error(refusal(Refusal::NotFound).0, refusal(Refusal::NotFound).1);
    };
    match sim.ledger.refund(&key, m.minor()) {
        Ok(_) => Response::json(
            200,
            &json!({"status": "success", "is_test": 1, "merchant_oid": key.order_id, "return_amount": m.decimal()}),
        ),
        Err(r) => error(refusal(r).0, refusal(r).1),
    }
}

/// Durum Sorgu: the payment and its refunds.
fn status(sim: &Sim, account: &Account, form: &RawPost) -> Response {
    if !token_ok(account, form, "paytr_status_token") {
        return error("001", "paytr_token degeri gecersiz (simulator)");
    }
    let key = key(account, form);
    let Some(OrderState { payment, captured, .. }) = sim.ledger.state(&key) else {
        return error(refusal(Refusal::NotFound).0, refusal(Refusal::NotFound).1);
    };
    let Ok(currency) = Currency::find(&payment.currency) else { return error("999", "currency") };
    let decimal = |minor: i64| Money::from_minor(minor, currency).map(|m| m.decimal()).unwrap_or_default();
    let returns: Vec<Value> = sim
        .ledger
        .entries(Some(&key.order_id))
        .into_iter()
        .filter(|(k, e)| k.family == ID && e.kind == Kind::Refund && e.approved)
        .map(|(_, e)| json!({"return_amount": decimal(e.amount), "return_date": e.created_at, "return_type": "1"}))
        .collect();
    Response::json(
        200,
        &json!({"status": "success", "merchant_oid": key.order_id, "payment_amount": decimal(payment.amount),
                "payment_total": decimal(captured), "payment_date": payment.created_at, "currency": currency_code(currency),
                "taksit": if payment.installments > 1 { payment.installments.to_string() } else { "0".into() },
                "masked_pan": payment.masked_pan, "returns": returns}),
    )
}

/// PayTR's error numbers and words for the bank's rules (the simulator's own).
fn refusal(r: Refusal) -> (&'static str, &'static str) {
    match r {
        Refusal::DuplicateOrder => ("010", "Bu merchant_oid ile daha once odeme yapilmis"),
        Refusal::NotFound => ("003", "Odeme bulunamadi"),
        Refusal::Voided => ("004", "Iptal edilmis odeme iade edilemez"),
        Refusal::NotCapturable => ("005", "Islem tamamlanamaz"),
        Refusal::OverRefund => ("006", "Iade tutari, odeme tutarindan fazla olamaz"),
        Refusal::HasRefunds => ("007", "Iadesi olan odeme iptal edilemez"),
    }
}
