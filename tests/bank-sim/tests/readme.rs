//! The README's card table is the one people read: it must list every card the code knows.

use sanalpos_bank_sim::cards::{CARDS, CVV, EXPIRY, OTP};

#[test]
fn the_readme_lists_every_test_card() {
    let readme = include_str!("../README.md");
    for card in CARDS {
        let spaced: Vec<String> =
            card.number.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
        assert!(readme.contains(&format!("| {} |", spaced.join(" "))), "{} is missing", card.number);
    }
    for value in [EXPIRY, CVV, OTP] {
        assert!(readme.contains(&format!("**{value}**")), "{value}");
    }
}
