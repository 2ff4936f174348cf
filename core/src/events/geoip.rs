//! Place and network of login addresses from MaxMind-format databases (feature `geoip`).
//!
//! The core stays pure: the caller reads the database files and hands their bytes in. Both
//! shapes real databases come in are read: GeoIP2/GeoLite2 (`country.iso_code`,
//! `city.names.en`, `location.latitude` …, and the ASN database's
//! `autonomous_system_number`) and the flat shape of the ip-location-db packages
//! (`country_code`, `city`, `latitude`, `longitude`). What the log itself says wins: a
//! database fills only what the event leaves out.
//!
//! ```no_run
//! use mailrisk::events::{Event, GeoDb};
//! let db = GeoDb::new()
//!     .with_city(std::fs::read("GeoLite2-City.mmdb")?)?
//!     .with_asn(std::fs::read("GeoLite2-ASN.mmdb")?)?;
//! let mut e: Event = r#"{"type": "login", "id": "1", "time": "2026-11-02T03:14:15Z",
//!     "user": "li.wei@acme-trade.com", "outcome": "success", "ip": "41.58.3.7"}"#.parse()?;
//! db.enrich(&mut e);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::net::IpAddr;

use maxminddb::Reader;
use serde::Deserialize;

use super::{AccountEvent, Event, Geo, LoginEvent};

/// A database that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GeoError {
    /// Not a MaxMind-format database (or truncated, or corrupt).
    #[error("not a MaxMind-format database: {0}")]
    Invalid(String),
}

/// City (or country) and ASN databases, either or both.
#[derive(Default)]
pub struct GeoDb {
    city: Option<Reader<Vec<u8>>>,
    asn: Option<Reader<Vec<u8>>>,
}

impl std::fmt::Debug for GeoDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = |r: &Option<Reader<Vec<u8>>>| {
            r.as_ref()
                .map(|r| r.metadata().database_type.clone())
                .unwrap_or_default()
        };
        f.debug_struct("GeoDb")
            .field("city", &kind(&self.city))
            .field("asn", &kind(&self.asn))
            .finish()
    }
}

/// What one address resolves to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GeoLookup {
    /// The place, when the city or country database knows the address.
    pub geo: Option<Geo>,
    /// The autonomous system number, when the ASN database knows the address.
    pub asn: Option<u32>,
    /// The autonomous system's organisation.
    pub network: Option<String>,
}

/// The fields of a record in either shape; everything optional, unknown fields ignored.
#[derive(Deserialize, Default)]
struct Record {
    #[serde(default)]
    country: Option<Nested>,
    #[serde(default)]
    city: Option<CityField>,
    #[serde(default)]
    location: Option<Location>,
    #[serde(default)]
    country_code: Option<String>,
    #[serde(default)]
    latitude: Option<Num>,
    #[serde(default)]
    longitude: Option<Num>,
    #[serde(default)]
    autonomous_system_number: Option<Num>,
    #[serde(default)]
    autonomous_system_organization: Option<String>,
}

#[derive(Deserialize, Default)]
struct Nested {
    #[serde(default)]
    iso_code: Option<String>,
    #[serde(default)]
    names: BTreeMap<String, String>,
}

/// `city` is a map with `names` in GeoIP2 and a plain string in the flat shape.
#[derive(Deserialize)]
#[serde(untagged)]
enum CityField {
    Name(String),
    Nested(Nested),
}

#[derive(Deserialize, Default)]
struct Location {
    #[serde(default)]
    latitude: Option<Num>,
    #[serde(default)]
    longitude: Option<Num>,
    #[serde(default)]
    accuracy_radius: Option<Num>,
}

fn open(bytes: Vec<u8>) -> Result<Reader<Vec<u8>>, GeoError> {
    Reader::from_source(bytes).map_err(|e| GeoError::Invalid(e.to_string()))
}

fn lookup(reader: &Reader<Vec<u8>>, ip: IpAddr) -> Option<Record> {
    reader.lookup(ip).ok()?.decode::<Record>().ok().flatten()
}

/// A number stored as any of the format's integer or float types (databases differ: GeoIP2
/// stores the accuracy radius as uint16, others as uint32 or double).
#[derive(Clone, Copy, Default)]
struct Num(f64);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Num;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number")
            }
            fn visit_u64<E>(self, v: u64) -> Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_u128<E>(self, v: u128) -> Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Num, E> {
                Ok(Num(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl Num {
    fn finite(self) -> Option<f64> {
        self.0.is_finite().then_some(self.0)
    }
    fn as_u32(self) -> Option<u32> {
        (self.0 >= 0.0 && self.0 <= f64::from(u32::MAX) && self.0.fract() == 0.0)
            .then_some(self.0 as u32)
    }
}

impl GeoDb {
    /// No databases yet: [`GeoDb::enrich`] changes nothing.
    pub fn new() -> GeoDb {
        GeoDb::default()
    }

    /// Adds a city or country database (GeoIP2/GeoLite2 City or Country, DB-IP, or an
    /// ip-location-db city/country database), given as the file's bytes.
    ///
    /// # Errors
    /// [`GeoError::Invalid`] when the bytes are not a MaxMind-format database.
    pub fn with_city(mut self, bytes: Vec<u8>) -> Result<GeoDb, GeoError> {
        self.city = Some(open(bytes)?);
        Ok(self)
    }

    /// Adds an ASN database (GeoLite2 ASN or ip-location-db ASN), given as the file's bytes.
    ///
    /// # Errors
    /// [`GeoError::Invalid`] when the bytes are not a MaxMind-format database.
    pub fn with_asn(mut self, bytes: Vec<u8>) -> Result<GeoDb, GeoError> {
        self.asn = Some(open(bytes)?);
        Ok(self)
    }

    /// What the databases say of `ip` (IPv4-mapped IPv6 addresses are looked up as IPv4).
    pub fn lookup(&self, ip: IpAddr) -> GeoLookup {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        let mut out = GeoLookup::default();
        if let Some(r) = self.city.as_ref().and_then(|db| lookup(db, ip)) {
            let loc = r.location.unwrap_or_default();
            let geo = Geo {
                country: r
                    .country
                    .and_then(|c| c.iso_code)
                    .or(r.country_code)
                    .filter(|c| !c.is_empty()),
                city: r
                    .city
                    .and_then(|c| match c {
                        CityField::Name(n) => Some(n),
                        CityField::Nested(n) => n.names.get("en").cloned(),
                    })
                    .filter(|c| !c.is_empty()),
                lat: loc.latitude.or(r.latitude).and_then(Num::finite),
                lon: loc.longitude.or(r.longitude).and_then(Num::finite),
                accuracy_km: loc.accuracy_radius.and_then(Num::finite),
            };
            if geo != Geo::default() {
                out.geo = Some(geo);
            }
        }
        if let Some(r) = self.asn.as_ref().and_then(|db| lookup(db, ip)) {
            out.asn = r.autonomous_system_number.and_then(Num::as_u32);
            out.network = r.autonomous_system_organization.filter(|o| !o.is_empty());
        }
        out
    }

    /// Fills what a login event leaves out (place, AS number, network name) from the
    /// databases; what the event gives is kept. Account events carry no place and are left
    /// as they are. Returns whether anything was added.
    pub fn enrich(&self, event: &mut Event) -> bool {
        match event {
            Event::Login(e) => self.enrich_login(e),
            Event::Account(AccountEvent { .. }) => false,
        }
    }

    fn enrich_login(&self, e: &mut LoginEvent) -> bool {
        let Some(ip) = e.ip else { return false };
        let found = self.lookup(ip);
        let mut added = false;
        // The place is taken whole or not at all: a city from the database beside a country
        // from the log could name two different places.
        let placed = e
            .geo
            .as_ref()
            .is_some_and(|g| g.country.is_some() || g.lat.is_some() || g.city.is_some());
        if let (Some(geo), false) = (found.geo, placed) {
            e.geo = Some(geo);
            added = true;
        }
        if e.asn.is_none() && found.asn.is_some() {
            e.asn = found.asn;
            added = true;
        }
        if e.network.is_none() && found.network.is_some() {
            e.network = found.network;
            added = true;
        }
        added
    }
}
