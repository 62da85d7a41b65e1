//! Stable, dotted error codes with English and Turkish messages.
//!
//! The code strings are the contract with every host (plugin, npm package, CLI): never rename one.
//! Every code is listed in `core/API.md`; a test keeps the two in step.

use std::fmt;

/// The language of human-readable messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Tr,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "en" => Some(Lang::En),
            "tr" => Some(Lang::Tr),
            _ => None,
        }
    }
}

macro_rules! codes {
    ($( $variant:ident = $code:literal, $en:literal, $tr:literal; )*) => {
        /// Every error the core can return.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Code { $( $variant, )* }

        impl Code {
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            pub fn message(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $( (Code::$variant, Lang::En) => $en, (Code::$variant, Lang::Tr) => $tr, )*
                }
            }
        }
    };
}

codes! {
    // The request envelope.
    RequestTooLarge = "request.too_large", "The request is larger than the 1 MiB limit", "İstek 1 MiB sınırından büyük";
    RequestInvalidJson = "request.invalid_json", "The request is not valid JSON", "İstek geçerli bir JSON değil";
    RequestNotObject = "request.not_object", "The request must be a JSON object", "İstek bir JSON nesnesi olmalı";
    RequestUnknownOp = "request.unknown_op", "Unknown operation", "Bilinmeyen işlem";
    RequestOpUnavailable = "request.op_unavailable", "This build of the core does not include this operation (the browser's checkout build has no bank gateways)", "Çekirdeğin bu derlemesi bu işlemi içermiyor (tarayıcıdaki ödeme sayfası derlemesinde banka altyapıları yok)";
    RequestMissingField = "request.missing_field", "A required field is missing", "Zorunlu bir alan eksik";
    RequestInvalidType = "request.invalid_type", "A field has the wrong type", "Bir alanın türü hatalı";
    RequestInvalidValue = "request.invalid_value", "A field has an invalid value", "Bir alanın değeri geçersiz";
    RequestTooLong = "request.too_long", "A field is longer than allowed", "Bir alan izin verilenden uzun";

    // Dates passed in by the caller (`today`, `now`).
    DateInvalid = "date.invalid", "The date is not a valid YYYY-MM-DD date", "Tarih geçerli bir YYYY-AA-GG tarihi değil";

    DateTimeInvalid = "date.invalid_datetime", "The time is not an ISO-8601 date and time with an offset", "Zaman, saat dilimi içeren bir ISO-8601 tarih-saat değil";

    // Money.
    MoneyEmpty = "money.empty", "The amount is empty", "Tutar boş";
    MoneyInvalidType = "money.invalid_type", "Amounts are decimal strings such as \"100.25\", never JSON numbers", "Tutarlar \"100.25\" gibi ondalık metinlerdir, JSON sayısı olamaz";
    MoneyInvalidFormat = "money.invalid_format", "The amount is not a plain decimal number such as 100.25", "Tutar 100.25 gibi düz bir ondalık sayı değil";
    MoneyTooManyDecimals = "money.too_many_decimals", "The amount has more decimals than the currency allows", "Tutarda para biriminin izin verdiğinden fazla ondalık basamak var";
    MoneyNegative = "money.negative", "The amount must not be negative", "Tutar negatif olamaz";
    MoneyZero = "money.zero", "The amount must be greater than zero", "Tutar sıfırdan büyük olmalı";
    MoneyTooLarge = "money.too_large", "The amount is implausibly large", "Tutar makul olmayacak kadar büyük";
    MoneyUnknownCurrency = "money.unknown_currency", "Unknown or unsupported currency", "Bilinmeyen veya desteklenmeyen para birimi";

    // Cards.
    CardEmpty = "card.empty", "The card number is empty", "Kart numarası boş";
    CardInvalidCharacters = "card.invalid_characters", "The card number may contain only digits, spaces and dashes", "Kart numarası yalnızca rakam, boşluk ve tire içerebilir";
    CardTooShort = "card.too_short", "The card number is too short", "Kart numarası çok kısa";
    CardTooLong = "card.too_long", "The card number is too long", "Kart numarası çok uzun";
    CardUnknownBrand = "card.unknown_brand", "The card type is not recognised", "Kart türü tanınmadı";
    CardLength = "card.length", "The card number has the wrong length for its card type", "Kart numarasının uzunluğu kart türüne uymuyor";
    CardLuhn = "card.luhn", "The card number is not valid (check digit)", "Kart numarası geçersiz (kontrol basamağı)";
    CardExpiryFormat = "card.expiry_format", "The expiry date must be MM/YY or MM/YYYY", "Son kullanma tarihi AA/YY veya AA/YYYY olmalı";
    CardExpired = "card.expired", "The card has expired", "Kartın son kullanma tarihi geçmiş";
    CardExpiryTooFar = "card.expiry_too_far", "The expiry date is implausibly far in the future", "Son kullanma tarihi makul olmayacak kadar ileride";
    CardCvvFormat = "card.cvv_format", "The security code may contain only digits", "Güvenlik kodu yalnızca rakam içerebilir";
    CardCvvLength = "card.cvv_length", "The security code has the wrong length for this card", "Güvenlik kodunun uzunluğu bu karta uymuyor";

    // Issuers and card families.
    IssuerUnknownFamily = "issuer.unknown_family", "Unknown card family", "Bilinmeyen kart ailesi";
    IssuerInvalidBin = "issuer.invalid_bin", "A BIN is 6 or 8 digits", "BIN 6 veya 8 haneli olmalı";

    // Gateways, accounts and orders.
    GatewayUnknown = "gateway.unknown", "Unknown gateway or bank", "Bilinmeyen ödeme altyapısı veya banka";
    GatewayUnsupportedModel = "gateway.unsupported_model", "This gateway does not offer this payment model", "Bu altyapı bu ödeme modelini sunmuyor";
    GatewayUnsupportedOperation = "gateway.unsupported_operation", "This gateway does not offer this operation", "Bu altyapı bu işlemi sunmuyor";
    GatewayUnsupportedCurrency = "gateway.unsupported_currency", "This gateway does not accept this currency", "Bu altyapı bu para birimini kabul etmiyor";
    GatewayEndpointMissing = "gateway.endpoint_missing", "No address is known for this bank endpoint; set it in endpoints", "Bu banka adresi bilinmiyor; endpoints içinde belirtin";
    GatewayInvalidEndpoint = "gateway.invalid_endpoint", "Endpoints must be https URLs (http only for 127.0.0.1 and localhost)", "Adresler https olmalı (http yalnızca 127.0.0.1 ve localhost için)";
    CredentialsMissing = "credentials.missing", "A merchant credential is missing", "Bir üye işyeri bilgisi eksik";
    OrderInvalidId = "order.invalid_id", "The order id has characters or a length this bank does not accept", "Sipariş numarası bu bankanın kabul etmediği karakter veya uzunlukta";
    OrderInvalidInstallments = "order.invalid_installments", "The installment count is not accepted", "Taksit sayısı kabul edilmiyor";
    SignatureUnknownKind = "signature.unknown_kind", "Unknown signature kind", "Bilinmeyen imza türü";

    // Callback verdict reasons (`callback.verify` answers with these; they are not request errors).
    CallbackSignatureMissing = "callback.signature_missing", "The callback carries no signature", "Bankadan dönen yanıtta imza yok";
    CallbackSignatureMismatch = "callback.signature_mismatch", "The callback signature does not match: forged, altered or signed with another key", "Bankadan dönen yanıtın imzası tutmuyor: sahte, değiştirilmiş veya başka bir anahtarla imzalanmış";
    CallbackFieldUnsigned = "callback.field_unsigned", "A field the verdict depends on is not covered by the signature", "Sonucu belirleyen bir alan imzanın kapsamında değil";
    CallbackOrderMismatch = "callback.order_mismatch", "The callback is for another order", "Yanıt başka bir siparişe ait";
    CallbackAmountMismatch = "callback.amount_mismatch", "The callback amount differs from the order", "Yanıttaki tutar siparişle uyuşmuyor";
    CallbackCurrencyMismatch = "callback.currency_mismatch", "The callback currency differs from the order", "Yanıttaki para birimi siparişle uyuşmuyor";
    CallbackInstallmentsMismatch = "callback.installments_mismatch", "The callback installment count differs from the order", "Yanıttaki taksit sayısı siparişle uyuşmuyor";
    Callback3dsFailed = "callback.3ds_failed", "3D Secure authentication failed", "3D Secure doğrulaması başarısız";
    Callback3dsAttempt = "callback.3ds_attempt", "3D Secure was only attempted (card or bank not enrolled)", "3D Secure yalnızca denendi (kart veya banka kayıtlı değil)";
    BankDeclined = "bank.declined", "The bank declined the payment", "Banka ödemeyi onaylamadı";
    BankError = "bank.error", "The bank reported an error", "Banka bir hata bildirdi";

    // Bank answers (`api.parse`).
    BankBadResponse = "bank.bad_response", "The bank's answer could not be read (garbage or truncated)", "Bankanın yanıtı okunamadı (bozuk veya eksik)";
    BankHttpError = "bank.http_error", "The bank answered with an HTTP error", "Banka bir HTTP hatasıyla yanıt verdi";
    // Installment plans and quotes.
    InstallmentsRateFormat = "installments.rate_format", "A rate is a plain decimal percent such as \"2.49\"", "Oran \"2.49\" gibi düz bir ondalık yüzde olmalı";
    InstallmentsRateTooManyDecimals = "installments.rate_too_many_decimals", "A rate has at most 4 decimals", "Oranda en fazla 4 ondalık basamak olabilir";
    InstallmentsRateTooHigh = "installments.rate_too_high", "A rate is at most 100 %", "Oran en fazla %100 olabilir";
    InstallmentsGrossupRate = "installments.grossup_rate", "A gross-up rate must be below 100 %", "Brüte tamamlama oranı %100'ün altında olmalı";
    InstallmentsCountOutOfRange = "installments.count_out_of_range", "An installment count is between 1 and 18", "Taksit sayısı 1 ile 18 arasında olmalı";
    InstallmentsDuplicateCount = "installments.duplicate_count", "The plan lists this installment count twice", "Plan bu taksit sayısını iki kez içeriyor";
    InstallmentsDuplicatePlan = "installments.duplicate_plan", "Two plans are for the same card family", "İki plan aynı kart ailesi için";
    InstallmentsUnknownCategory = "installments.unknown_category", "Unknown cart category", "Bilinmeyen sepet kategorisi";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error with its stable code, the input field to blame (a dotted path such as `card.number`),
/// and an optional detail in plain English that never contains card data or secrets.
///
/// Boxed: every `Result` of the core carries one, and a pointer is what `?` then moves around
/// (62 KB less `.wasm` than the three fields inline, and fewer copies per call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<ErrorInfo>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorInfo {
    pub code: Code,
    pub field: Option<String>,
    pub detail: Option<String>,
}

impl std::ops::Deref for Error {
    type Target = ErrorInfo;

    fn deref(&self) -> &ErrorInfo {
        &self.0
    }
}

impl Error {
    pub fn new(code: Code) -> Error {
        Error(Box::new(ErrorInfo { code, field: None, detail: None }))
    }

    /// Blames `field` unless a more precise field is already named.
    pub fn at(mut self, field: impl Into<String>) -> Error {
        if self.0.field.is_none() {
            self.0.field = Some(field.into());
        }
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Error {
        self.0.detail = Some(detail.into());
        self
    }

    /// The readable message: the code's text, then the detail if any.
    pub fn message(&self, lang: Lang) -> String {
        match &self.detail {
            Some(d) => format!("{}: {}", self.code.message(lang), d),
            None => self.code.message(lang).to_string(),
        }
    }
}

impl From<Code> for Error {
    fn from(code: Code) -> Error {
        Error::new(code)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message(Lang::En))?;
        if let Some(field) = &self.field {
            write!(f, " ({field})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_dotted_and_translated() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            let (group, name) = s.split_once('.').expect("dotted");
            assert!(!group.is_empty() && !name.is_empty() && !name.contains('.'), "{s}");
            assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_'), "{s}");
            assert_ne!(code.message(Lang::En), code.message(Lang::Tr), "{s} lacks a Turkish text");
        }
    }

    #[test]
    fn every_code_is_documented_in_the_api_reference() {
        let reference = include_str!("../API.md");
        for code in Code::ALL {
            assert!(reference.contains(&format!("`{}`", code.as_str())), "{} missing from core/API.md", code.as_str());
        }
    }
}
