//! The digests, MACs and encodings bank protocols use, over RustCrypto. No hand-rolled crypto:
//! this file only names combinations (`b64(SHA512(x))`, `HEX(SHA1(x))`, …) the protocol docs use.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest as _, Sha256, Sha512};
use subtle::ConstantTimeEq;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Digest {
    Sha1,
    Sha256,
    Sha512,
}

/// How digest bytes are written: `b64(d)` (standard, padded), `HEX(d)` or `hex(d)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Base64,
    HexUpper,
    HexLower,
}

pub fn digest(alg: Digest, data: &[u8]) -> Vec<u8> {
    match alg {
        Digest::Sha1 => Sha1::digest(data).to_vec(),
        Digest::Sha256 => Sha256::digest(data).to_vec(),
        Digest::Sha512 => Sha512::digest(data).to_vec(),
    }
}

/// RFC 2104 HMAC; the key is the secret's bytes as given (never hex-decoded).
pub fn hmac(alg: Digest, key: &[u8], data: &[u8]) -> Vec<u8> {
    fn run<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
        // HMAC accepts keys of any length, so this cannot fail.
        let Ok(mut mac) = <M as KeyInit>::new_from_slice(key) else { return Vec::new() };
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    }
    match alg {
        Digest::Sha1 => run::<Hmac<Sha1>>(key, data),
        Digest::Sha256 => run::<Hmac<Sha256>>(key, data),
        Digest::Sha512 => run::<Hmac<Sha512>>(key, data),
    }
}

pub fn encode(enc: Encoding, bytes: &[u8]) -> String {
    match enc {
        Encoding::Base64 => STANDARD.encode(bytes),
        Encoding::HexUpper => hex(bytes, b"0123456789ABCDEF"),
        Encoding::HexLower => hex(bytes, b"0123456789abcdef"),
    }
}

fn hex(bytes: &[u8], digits: &[u8; 16]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(digits[usize::from(b >> 4)]));
        s.push(char::from(digits[usize::from(b & 0x0f)]));
    }
    s
}

pub fn base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    STANDARD.decode(text).ok()
}

/// `encode(digest(data))`, the shape of almost every bank hash.
pub fn hash(alg: Digest, enc: Encoding, data: &[u8]) -> String {
    encode(enc, &digest(alg, data))
}

pub fn hmac_encoded(alg: Digest, enc: Encoding, key: &[u8], data: &[u8]) -> String {
    encode(enc, &hmac(alg, key, data))
}

/// Compares a received signature with the expected one in constant time (for equal lengths).
/// Case matters, as it does for the banks: base64 is case-sensitive, Garanti's hex is upper case.
pub fn signatures_equal(received: &[u8], expected: &str) -> bool {
    received.len() == expected.len() && bool::from(received.ct_eq(expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        // FIPS 180 "abc" test vectors.
        assert_eq!(hash(Digest::Sha1, Encoding::HexLower, b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            hash(Digest::Sha256, Encoding::HexLower, b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(hash(Digest::Sha512, Encoding::HexUpper, b"abc").starts_with("DDAF35A193617ABA"));
        // RFC 4231 test case 2.
        assert_eq!(
            hmac_encoded(Digest::Sha256, Encoding::HexLower, b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(base64(b"\x00\xff"), "AP8=");
        assert_eq!(base64_decode("AP8="), Some(vec![0, 255]));
        assert_eq!(base64_decode("A P8"), None);
    }

    #[test]
    fn comparison_is_exact() {
        assert!(signatures_equal(b"AbC=", "AbC="));
        assert!(!signatures_equal(b"abc=", "AbC="));
        assert!(!signatures_equal(b"AbC", "AbC="));
        assert!(!signatures_equal(b"", "x"));
    }
}
