//! The built-in brand list (`core/data/brands.toml`): names and domains of banks, carriers,
//! webmail providers, payment services and marketplaces, parsed once per process.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::policy::BrandCategory;

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

/// The brands of the enabled categories.
pub(crate) fn enabled(categories: &[BrandCategory]) -> impl Iterator<Item = &'static Brand> + '_ {
    all().iter().filter(|b| categories.contains(&b.category))
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
        assert!(enabled(&[BrandCategory::Logistics]).any(|b| b.name == "DHL"));
        assert!(!enabled(&[BrandCategory::Banks]).any(|b| b.name == "DHL"));
    }
}
