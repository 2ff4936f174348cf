//! The built-in brand list (`core/data/brands.toml`): names and domains of banks, carriers,
//! webmail providers, payment services and marketplaces, parsed once per process.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// A category of the built-in brand list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum BrandCategory {
    /// Banks that trading companies use (HSBC, Bank of China, ICBC, Citi, ...).
    Banks,
    /// Carriers and forwarders (DHL, FedEx, UPS, Maersk, COSCO, ...).
    Logistics,
    /// Webmail and office suites (Microsoft, Google, QQ Mail, NetEase, ...).
    Webmail,
    /// Payment services (PayPal, Alipay, Payoneer, ...).
    Payments,
    /// Marketplaces and trade platforms (alibaba.com, made-in-china.com, ...).
    Marketplaces,
}

impl BrandCategory {
    /// Every category.
    pub const ALL: [BrandCategory; 5] = [
        BrandCategory::Banks,
        BrandCategory::Logistics,
        BrandCategory::Webmail,
        BrandCategory::Payments,
        BrandCategory::Marketplaces,
    ];
}

const BRANDS: &str = include_str!("../../data/brands.toml");

/// One built-in brand.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Brand {
    pub(crate) category: BrandCategory,
    /// The brand's name in reports.
    pub(crate) name: String,
    /// Names as they appear in display names.
    pub(crate) names: Vec<String>,
    pub(crate) domains: Vec<String>,
}

#[derive(Deserialize)]
struct File {
    brand: Vec<Brand>,
}

/// Every built-in brand. The file is part of the binary and checked by a test, so a parse
/// failure cannot happen at run time; should it anyway, the list is empty.
pub(crate) fn all() -> &'static [Brand] {
    static LIST: OnceLock<Vec<Brand>> = OnceLock::new();
    LIST.get_or_init(|| toml::from_str::<File>(BRANDS).map_or_else(|_| Vec::new(), |f| f.brand))
}

/// The brands of the enabled categories, except those switched off by name.
pub(crate) fn enabled<'a>(
    categories: &'a [BrandCategory],
    disabled: &'a [String],
) -> impl Iterator<Item = &'static Brand> + 'a {
    all().iter().filter(|b| {
        categories.contains(&b.category)
            && !disabled.iter().any(|d| d.eq_ignore_ascii_case(&b.name))
    })
}

/// Whether `name` is the name of a built-in brand (case-insensitive).
pub(crate) fn is_brand(name: &str) -> bool {
    all().iter().any(|b| b.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brand_file_parses_and_every_entry_is_usable() {
        toml::from_str::<File>(BRANDS).expect("brands.toml parses");
        let list = all();
        assert!(list.len() > 50);
        for b in list {
            assert!(!b.names.is_empty() && !b.domains.is_empty(), "{b:?}");
            for d in &b.domains {
                assert!(
                    super::super::is_valid_domain(&super::super::normalize(d)),
                    "{d}"
                );
            }
        }
        for c in BrandCategory::ALL {
            assert!(list.iter().any(|b| b.category == c), "{c:?} has no brand");
        }
        assert!(enabled(&[BrandCategory::Logistics], &[]).any(|b| b.name == "DHL"));
        assert!(!enabled(&[BrandCategory::Banks], &[]).any(|b| b.name == "DHL"));
        let off = ["dhl".to_string()];
        assert!(!enabled(&[BrandCategory::Logistics], &off).any(|b| b.name == "DHL"));
        assert!(enabled(&[BrandCategory::Logistics], &off).any(|b| b.name == "FedEx"));
        let mut names: Vec<&str> = list.iter().map(|b| b.name.as_str()).collect();
        names.sort_unstable();
        let len = names.len();
        names.dedup();
        assert_eq!(names.len(), len, "brand names are unique");
    }
}
