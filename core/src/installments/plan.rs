//! Rate plans: what a shop owner configures per card family (docs/cards-installments.md §3.1).

use super::pricing::{Mode, Rate};
use super::MAX_COUNT;
use crate::error::{Code, Error, Result};
use crate::issuer::Family;

/// A bank campaign on one count (§3.5): shown to the customer, never changes the price.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Campaign {
    /// Extra installments the issuer adds ("+3 taksit").
    pub plus_installments: u8,
    /// Months the first installment is deferred ("erteleme").
    pub deferral_months: u8,
    /// The shop's own label for it.
    pub name: Option<String>,
}

impl Campaign {
    pub fn is_empty(&self) -> bool {
        self.plus_installments == 0 && self.deferral_months == 0 && self.name.is_none()
    }
}

/// One installment count of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateEntry {
    pub count: u8,
    pub rate: Rate,
    /// The rate as the shop wrote it, echoed in answers.
    pub rate_text: String,
    pub enabled: bool,
    pub campaign: Campaign,
}

/// The rates of one card family (or of every card without a plan of its own: `family: None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub family: Option<&'static Family>,
    /// The shop's id for the virtual POS that takes these cards (routing only).
    pub pos: Option<String>,
    pub mode: Mode,
    /// No installment (from 2 on) may be below this, in minor units.
    pub min_installment: Option<i64>,
    entries: Vec<RateEntry>,
}

/// Checks an installment count from the request.
pub fn count(n: i64) -> Result<u8> {
    u8::try_from(n)
        .ok()
        .filter(|n| (1..=MAX_COUNT).contains(n))
        .ok_or_else(|| Error::new(Code::InstallmentsCountOutOfRange))
}

impl Plan {
    pub fn new(family: Option<&'static Family>, mode: Mode) -> Plan {
        Plan { family, pos: None, mode, min_installment: None, entries: Vec::new() }
    }

    /// The family id, or `default`.
    pub fn family_id(&self) -> &'static str {
        self.family.map_or("default", |f| f.id)
    }

    /// Adds a count; each count may appear once and its rate must suit the plan's mode.
    pub fn add(&mut self, entry: RateEntry) -> Result<()> {
        if self.entry(entry.count).is_some() {
            return Err(Error::new(Code::InstallmentsDuplicateCount).detail(entry.count.to_string()));
        }
        self.mode.check(entry.rate)?;
        self.entries.push(entry);
        Ok(())
    }

    pub fn entry(&self, count: u8) -> Option<&RateEntry> {
        self.entries.iter().find(|e| e.count == count)
    }

    pub fn entries(&self) -> &[RateEntry] {
        &self.entries
    }
}

/// The plan for a card: its family's, else its parent program's (a sub-brand such as Wings
/// takes Axess installments), else the `default` plan.
pub fn select<'a>(plans: &'a [Plan], family: Option<&'static Family>) -> Option<&'a Plan> {
    let by_id = |id: Option<&str>| plans.iter().find(|p| p.family.map(|f| f.id) == id);
    family
        .and_then(|f| by_id(Some(f.id)).or_else(|| f.parent.and_then(|parent| by_id(Some(parent)))))
        .or_else(|| by_id(None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(count: u8, rate: &str) -> RateEntry {
        RateEntry {
            count,
            rate: Rate::parse(rate).unwrap(),
            rate_text: rate.into(),
            enabled: true,
            campaign: Campaign::default(),
        }
    }

    fn family(id: &str) -> Option<&'static Family> {
        Some(Family::find(id).unwrap())
    }

    #[test]
    fn counts_are_checked() {
        assert_eq!(count(1), Ok(1));
        assert_eq!(count(18), Ok(18));
        for bad in [0, 19, -1, 256, i64::MAX, i64::MIN] {
            assert_eq!(count(bad).unwrap_err().code, Code::InstallmentsCountOutOfRange, "{bad}");
        }
    }

    #[test]
    fn a_count_appears_once_and_suits_the_mode() {
        let mut plan = Plan::new(None, Mode::Grossup);
        plan.add(entry(3, "2.5")).unwrap();
        assert_eq!(plan.add(entry(3, "1")).unwrap_err().code, Code::InstallmentsDuplicateCount);
        assert_eq!(plan.add(entry(6, "100")).unwrap_err().code, Code::InstallmentsGrossupRate);
        assert_eq!(plan.entries().len(), 1);
        assert_eq!(plan.entry(3).unwrap().rate_text, "2.5");
        assert!(Plan::new(None, Mode::Markup).add(entry(6, "100")).is_ok());
    }

    #[test]
    fn selection_falls_back_to_the_parent_then_default() {
        let plans = [Plan::new(family("axess"), Mode::Markup), Plan::new(None, Mode::Absorb)];
        assert_eq!(select(&plans, family("axess")).unwrap().family_id(), "axess");
        assert_eq!(select(&plans, family("wings")).unwrap().family_id(), "axess");
        assert_eq!(select(&plans, family("bonus")).unwrap().family_id(), "default");
        assert_eq!(select(&plans, None).unwrap().family_id(), "default");
        let own = [Plan::new(family("wings"), Mode::Markup), Plan::new(family("axess"), Mode::Markup)];
        assert_eq!(select(&own, family("wings")).unwrap().family_id(), "wings");
        assert_eq!(select(&plans[..1], family("bonus")), None);
    }
}
