use super::*;
use crate::card::brand::Brand::*;

/// Every public sandbox card in `docs/cards-installments.md` §1.6 that passes Luhn, with its scheme.
/// Sources per row group are the ones the doc cites. iyzico calls 589004 and 589283 "MC debit": they
/// are Maestro (Mastercard's debit scheme, IIN 56–59).
#[rustfmt::skip]
const SANDBOX_CARDS: &[(&str, Brand)] = &[
    // iyzico sandbox (docs.iyzico.com/ek-bilgiler/test-kartlari)
    ("5890040000000016", Maestro), ("5526080000000006", Mastercard), ("9792072000017956", Troy),
    ("4766620000000001", Visa), ("4603450000000000", Visa), ("4729150000000005", Visa),
    ("4987490000000002", Visa), ("5311570000000005", Mastercard), ("9792020000000001", Troy),
    ("9792023757123604", Troy), ("9792030000000000", Troy), ("5170410000000004", Mastercard),
    ("5400360000000003", Mastercard), ("374427000000003", Amex), ("4475050000000003", Visa),
    ("5528790000000008", Mastercard), ("4059030000000009", Visa), ("5504720000000003", Mastercard),
    ("5892830000000000", Maestro), ("4543590000000006", Visa), ("4910050000000006", Visa),
    ("4157920000000002", Visa), ("6500528865390837", Troy), ("6501700194147183", Troy),
    ("5168880000000002", Mastercard), ("5451030000000000", Mastercard), ("5400010000000004", Mastercard),
    // iyzico error-scenario cards
    ("4111111111111129", Visa), ("4129111111111111", Visa), ("4128111111111112", Visa),
    ("4127111111111113", Visa), ("4126111111111114", Visa), ("4125111111111115", Visa),
    ("4124111111111116", Visa), ("4123111111111117", Visa), ("4122111111111118", Visa),
    ("4121111111111119", Visa), ("4120111111111110", Visa), ("4130111111111118", Visa),
    ("4131111111111117", Visa), ("4141111111111115", Visa), ("4151111111111112", Visa),
    ("5406670000000009", Mastercard),
    // PayTR Direct API (dev.paytr.com/direkt-api/test-kart-bilgileri)
    ("4355084355084358", Visa), ("5406675406675403", Mastercard), ("9792030394440796", Troy),
    // NestPay / Asseco EST, İş Bankası (mewebstudio/pos examples; ozguryazilimas/woocommerce-isbank)
    ("5571135571135575", Mastercard), ("4546711234567894", Visa), ("5401341234567891", Mastercard),
    ("4508034508034509", Visa),
    // Garanti BBVA GVP
    ("4282209004348015", Visa), ("5549604173790011", Mastercard), ("5549608789641500", Mastercard),
    ("5289394722895016", Mastercard),
    // Yapı Kredi POSNET
    ("4506347010299085", Visa), ("4048095010857528", Visa),
    // VakıfBank PayFlex
    ("4938460158754205", Visa), ("4938410157705591", Visa),
    // QNB PayFor
    ("4155650100416111", Visa), ("5352480048848060", Mastercard), ("9792096695823360", Troy),
    ("4159560047417732", Visa),
    // Kuveyt Türk, Denizbank InterPOS, Akbank POS
    ("5188961939192544", Mastercard), ("4090700090840057", Visa), ("4090700101174272", Visa),
    ("4355093000315232", Visa),
    // Param (dev.param.com.tr/en/test-kartlari; its "MASTERCARD" labels on 4… numbers are wrong)
    ("4531444531442283", Visa), ("5818775818772285", Maestro), ("6501738564461396", Troy),
    ("5200190009721495", Mastercard), ("5421190122090656", Mastercard), ("5521010140829928", Mastercard),
    ("4506349043174632", Visa), ("4506344230780754", Visa), ("4506344109967938", Visa),
    ("4400664070419701", Visa),
    // Odeo / Token (developer.oderopay.com.tr/tr/dev-tools): Troy local and Troy Global
    ("4256690000000001", Visa), ("9792060000000007", Troy), ("5209220000000002", Mastercard),
    ("375623000000006", Amex), ("5258640000000001", Mastercard), ("9792075482365454", Troy),
    ("6587619825149656", Troy), ("9792395412651264", Troy), ("6504576578126549", Troy),
    ("9792278565746927", Troy), ("6508475496125681", Troy),
    // Moka United
    ("5127541122223332", Mastercard),
];

fn pan(s: &str) -> Pan {
    Pan::normalize(s).unwrap()
}

#[test]
fn every_sandbox_card_is_valid_with_the_right_brand() {
    for &(number, expected) in SANDBOX_CARDS {
        let p = pan(number);
        assert!(p.luhn_valid(), "{number} fails Luhn");
        assert_eq!(check_number(&p), Ok(expected), "{number}");
    }
}

#[test]
fn published_numbers_that_fail_luhn_are_rejected() {
    // Paynet's typo of the Ziraat test card, and a number circulating in an AI-written note.
    for number in ["4546711234567890", "4824940000000014"] {
        assert_eq!(check_number(&pan(number)).unwrap_err().code, Code::CardLuhn, "{number}");
    }
}

#[test]
fn normalisation_allows_spaces_and_dashes_only() {
    assert_eq!(pan("4355 0843 5508 4358").digits(), "4355084355084358");
    assert_eq!(pan("4355-0843-5508-4358").digits(), "4355084355084358");
    assert_eq!(pan(" 4355084355084358 ").digits(), "4355084355084358");
    for bad in ["4355.0843", "4355_0843", "4355\t0843", "4355/0843", "435５", "٤٣٥٥", "4355a", "+4355"] {
        assert_eq!(Pan::normalize(bad).unwrap_err().code, Code::CardInvalidCharacters, "{bad:?}");
    }
    assert_eq!(Pan::normalize("").unwrap_err().code, Code::CardEmpty);
    assert_eq!(Pan::normalize(" - ").unwrap_err().code, Code::CardEmpty);
    assert_eq!(Pan::normalize("12345678901234567890").unwrap_err().code, Code::CardTooLong);
    assert_eq!(Pan::normalize(&"1".repeat(200)).unwrap_err().code, Code::CardTooLong);
}

#[test]
fn lengths_and_luhn() {
    assert_eq!(check_number(&pan("43550843550843")).unwrap_err().code, Code::CardLength);
    assert_eq!(check_number(&pan("4355084355084359")).unwrap_err().code, Code::CardLuhn);
    assert_eq!(check_number(&pan("40128888881881")).unwrap_err().code, Code::CardLength, "13/14-digit Visa is legacy");
    assert_eq!(check_number(&pan("3744270000000030")).unwrap_err().code, Code::CardLength, "Amex is 15 digits");
    assert_eq!(check_number(&pan("12345678")).unwrap_err().code, Code::CardTooShort);
    assert_eq!(check_number(&pan("7000000000000000")).unwrap_err().code, Code::CardUnknownBrand);
    assert_eq!(check_number(&pan("2220000000000000")).unwrap_err().code, Code::CardUnknownBrand);
    assert_eq!(check_number(&pan("6200000000000001")), Ok(UnionPay), "UnionPay passes without Luhn");
    assert_eq!(check_number(&pan("4000000000000000006")), Ok(Visa), "19-digit Visa");
}

#[test]
fn luhn_known_values() {
    assert!(luhn_valid("79927398713"));
    assert!(!luhn_valid("79927398710"));
    assert!(!luhn_valid(""));
    assert!(luhn_valid("0"));
    assert!(!luhn_valid("12a4"));
}

#[test]
fn masking_keeps_first_six_and_last_four() {
    assert_eq!(pan("4355084355084358").masked(), "435508******4358");
    assert_eq!(pan("374427000000003").masked(), "374427*****0003");
    assert_eq!(pan("4000000000000000002").masked(), "400000*********0002");
    assert_eq!(pan("123456789012").masked(), "********9012");
    assert_eq!(pan("123").masked(), "123");
    assert_eq!(format!("{:?}", pan("4355084355084358")), "Pan(435508******4358)");
}

#[test]
fn expiry_formats() {
    assert_eq!(Expiry::parse("12/30").unwrap(), Expiry { month: 12, year: 2030 });
    assert_eq!(Expiry::parse("01/2030").unwrap(), Expiry { month: 1, year: 2030 });
    assert_eq!(Expiry::parse("1 / 30").unwrap(), Expiry { month: 1, year: 2030 });
    assert_eq!(Expiry::from_parts("7", "2031").unwrap(), Expiry { month: 7, year: 2031 });
    for bad in
        ["1230", "13/30", "00/30", "12/3", "12/030", "12-30", "aa/bb", "/", "", "12/", "+1/30", "012/30", "12/٣٠"]
    {
        assert_eq!(Expiry::parse(bad).unwrap_err().code, Code::CardExpiryFormat, "{bad:?}");
    }
    let e = Expiry::parse("3/29").unwrap();
    assert_eq!((e.mm(), e.yy(), e.yyyy()), ("03".into(), "29".into(), "2029".into()));
}

#[test]
fn expiry_is_valid_through_the_last_day_of_the_month() {
    let d = |s: &str| Date::parse(s).unwrap();
    let nov = Expiry::parse("11/26").unwrap();
    assert_eq!(nov.check(d("2026-11-01")), Ok(()));
    assert_eq!(nov.check(d("2026-11-30")), Ok(()));
    assert_eq!(nov.check(d("2026-12-01")).unwrap_err().code, Code::CardExpired);
    let feb_leap = Expiry::parse("02/28").unwrap();
    assert_eq!(feb_leap.check(d("2028-02-29")), Ok(()));
    assert_eq!(feb_leap.check(d("2028-03-01")).unwrap_err().code, Code::CardExpired);
    assert_eq!(Expiry::parse("01/25").unwrap().check(d("2026-11-27")).unwrap_err().code, Code::CardExpired);
    assert_eq!(Expiry::parse("12/2046").unwrap().check(d("2026-11-27")), Ok(()));
    assert_eq!(Expiry::parse("01/2047").unwrap().check(d("2026-11-27")).unwrap_err().code, Code::CardExpiryTooFar);
    assert_eq!(Expiry::parse("12/99").unwrap().check(d("2026-11-27")).unwrap_err().code, Code::CardExpiryTooFar);
}

#[test]
fn cvv_length_per_brand() {
    assert_eq!(check_cvv("000", Some(Visa)), Ok(()));
    assert_eq!(check_cvv("1234", Some(Amex)), Ok(()));
    assert_eq!(check_cvv("123", Some(Amex)).unwrap_err().code, Code::CardCvvLength);
    assert_eq!(check_cvv("1234", Some(Troy)).unwrap_err().code, Code::CardCvvLength);
    assert_eq!(check_cvv("12a", Some(Visa)).unwrap_err().code, Code::CardCvvFormat);
    assert_eq!(check_cvv("", None).unwrap_err().code, Code::CardCvvFormat);
    assert_eq!(check_cvv("1234", None), Ok(()));
    assert_eq!(check_cvv("12345", None).unwrap_err().code, Code::CardCvvLength);
}
