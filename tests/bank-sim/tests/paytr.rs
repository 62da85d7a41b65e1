//! PayTR's own shapes: the iFrame API's token and payment page, and the notification posted to the
//! merchant's address until the shop answers `OK`.

mod common;

use common::*;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

fn prepare(account: &Value, model: &str, order: &Order) -> Value {
    ok(with(
        with(account.clone(), entropy()),
        json!({"op": "payment.prepare", "model": model, "order": order.json(), "card": card(APPROVE),
               "urls": {"ok": "http://shop.test/ok", "fail": "http://shop.test/fail"}, "customer": customer()}),
    ))
}

#[test]
fn the_iframe_api_takes_the_card_on_paytrs_page() {
    let bank = bank();
    let account = account(&bank, "paytr");
    let order = Order { installments: 3, ..order("paytrif1", "250.00") };
    let step = prepare(&account, "3d_host", &order);
    let parsed = parse(&account, &step["http"], &send(&step["http"]).unwrap());
    let next = &parsed["result"]["next"];
    assert_eq!(
        (next["type"].as_str(), next["redirect"]["embed"].as_bool()),
        (Some("redirect"), Some(true)),
        "{parsed}"
    );
    let page_url = next["redirect"]["url"].as_str().unwrap().to_string();
    let page = get(&page_url);
    assert!(page.text().contains("paytr-card") && page.text().contains("3 taksit"), "{}", page.text());

    // A wrong card number stays on the page; a good one goes on to the ACS.
    let card = |number: &str| {
        [("card_number", number), ("expiry", "12/30"), ("cvv", "000"), ("installment", "3")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
    };
    assert!(post_form(&page_url, &card("4546711234567890")).text().contains("card-error"));
    let gate = post_form(&page_url, &card(APPROVE));
    assert_eq!(gate.status, 303);
    let (action, post) = through_acs(&bank, &gate, "confirm", "123456");
    assert_eq!(action, "http://shop.test/ok");
    let verdict = verify(&account, "3d_host", &order, &post);
    assert_eq!(verdict["outcome"], "approved", "{verdict}");
    let books = ledger(&bank, &order.id);
    assert_eq!(
        (books["captured_minor"].as_i64(), books["entries"][0]["installments"].as_i64()),
        (Some(25000), Some(3))
    );
    assert_eq!(get(&page_url).status, 404, "the token is used up");

    // A token request signed with another key is refused.
    let mut wrong = account.clone();
    wrong["credentials"]["merchant_key"] = json!("not-the-key");
    let step = prepare(&wrong, "3d_host", &common::order("paytrif2", "10.00"));
    let answer = send(&step["http"]).unwrap().json();
    assert_eq!(answer["status"], "failed", "{answer}");
}

/// A shop at `127.0.0.1:port` that answers the notifications with `answers` in turn (then `OK`)
/// and keeps the bodies it received.
fn shop(answers: &'static [&'static str]) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/paytr-notification", listener.local_addr().unwrap());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&bodies);
    thread::spawn(move || {
        for (i, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let mut raw = Vec::new();
            let mut buf = [0u8; 4096];
            // Headers, then Content-Length bytes of body.
            loop {
                let n = stream.read(&mut buf).unwrap_or(0);
                raw.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&raw).into_owned();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let length = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string())
                        })
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(0);
                    if body.len() >= length || n == 0 {
                        seen.lock().unwrap().push(body.to_string());
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            let answer = answers.get(i).copied().unwrap_or("OK");
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    (url, bodies)
}

#[test]
fn the_notification_is_posted_until_the_shop_answers_ok() {
    let bank = bank();
    let account = account(&bank, "paytr");
    let (url, bodies) = shop(&["temporarily unavailable"]);
    let set = post_form(
        &format!("{}/admin/notification-url", bank.url),
        &[("family".into(), "paytr".into()), ("url".into(), url.clone())],
    );
    assert_eq!(set.status, 200, "{}", set.text());
    let elsewhere = post_form(
        &format!("{}/admin/notification-url", bank.url),
        &[("family".into(), "paytr".into()), ("url".into(), "http://example.com/n".into())],
    );
    assert_eq!(elsewhere.status, 400, "only 127.0.0.1");

    let order = order("paytrnotify1", "75.25");
    let gate = submit(&account, "3d_pay", &order, APPROVE);
    let (action, _) = through_acs(&bank, &gate, "confirm", "123456");
    assert_eq!(action, "http://shop.test/ok");

    let started = Instant::now();
    while bodies.lock().unwrap().len() < 2 && started.elapsed() < Duration::from_secs(5) {
        thread::sleep(Duration::from_millis(50));
    }
    let received = bodies.lock().unwrap().clone();
    assert_eq!(received.len(), 2, "posted again after a non-OK answer: {received:?}");
    assert_eq!(received[0], received[1], "the same notification");
    let post: Vec<(String, String)> = sanalpos_core::gateway::RawPost::from_urlencoded(&received[0], "body")
        .unwrap()
        .iter()
        .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v).into_owned()))
        .collect();
    let verdict = verify(&account, "3d_pay", &order, &post);
    assert_eq!((verdict["signature"].as_str(), verdict["outcome"].as_str()), (Some("verified"), Some("approved")));

    let log = get(&format!("{}/admin/notifications?order_id=paytrnotify1", bank.url)).json();
    let deliveries = &log["notifications"][0]["deliveries"];
    assert_eq!(
        deliveries,
        &json!([{"status": 200, "answer": "temporarily unavailable"}, {"status": 200, "answer": "OK"}])
    );
    thread::sleep(Duration::from_millis(700));
    assert_eq!(bodies.lock().unwrap().len(), 2, "nothing after OK");
}
