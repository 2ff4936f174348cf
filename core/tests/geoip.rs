//! The `geoip` feature on real MaxMind-format files read by the real reader: the test
//! databases in `examples/events/geo/` are written by `make-test-mmdb.py` with PyPI
//! `mmdb-writer`, in the GeoIP2 shape and in ip-location-db's flat shape.
#![cfg(feature = "geoip")]

use mailrisk::events::{Event, GeoDb, GeoError};
use mailrisk::{Engine, Monitor};

fn db(file: &str) -> Vec<u8> {
    let path = format!(
        "{}/../examples/events/geo/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn full() -> GeoDb {
    GeoDb::new()
        .with_city(db("test-city.mmdb"))
        .expect("city db")
        .with_asn(db("test-asn.mmdb"))
        .expect("asn db")
}

#[test]
fn both_shapes_and_both_address_families_resolve() {
    let d = full();
    let found = d.lookup("175.16.4.9".parse().expect("ip"));
    let geo = found.geo.expect("geo");
    assert_eq!(geo.country.as_deref(), Some("CN"));
    assert_eq!(geo.city.as_deref(), Some("Changchun"));
    assert_eq!(geo.accuracy_km, Some(50.0));
    assert!((geo.lat.expect("lat") - 43.88).abs() < 1e-9);
    assert_eq!(found.asn, Some(4837));
    assert_eq!(
        found.network.as_deref(),
        Some("CHINA UNICOM China169 Backbone")
    );
    // IPv6, and IPv4-mapped IPv6 looked up as IPv4.
    let v6 = d.lookup("2001:db8:8:1::7".parse().expect("ip"));
    assert_eq!(v6.geo.and_then(|g| g.country).as_deref(), Some("DE"));
    let mapped = d.lookup("::ffff:81.2.69.160".parse().expect("ip"));
    assert_eq!(mapped.geo.and_then(|g| g.city).as_deref(), Some("London"));
    // Not in the database: nothing, no error.
    assert_eq!(
        d.lookup("192.0.2.1".parse().expect("ip")),
        Default::default()
    );
    // The flat shape of ip-location-db.
    let flat = GeoDb::new()
        .with_city(db("test-city-flat.mmdb"))
        .expect("flat db");
    let geo = flat
        .lookup("41.58.200.1".parse().expect("ip"))
        .geo
        .expect("geo");
    assert_eq!(geo.country.as_deref(), Some("NG"));
    assert_eq!(geo.city.as_deref(), Some("Lagos"));
    assert_eq!(geo.accuracy_km, None);
}

#[test]
fn what_the_log_says_wins() {
    let d = full();
    let mut e: Event = r#"{"type": "login", "id": "1", "time": "2026-11-02T03:14:15Z",
        "user": "li.wei@acme-trade.com", "outcome": "success", "ip": "41.58.3.7",
        "geo": {"country": "GH"}, "asn": 29614}"#
        .parse()
        .expect("event");
    assert!(d.enrich(&mut e), "the network name is added");
    let Event::Login(l) = &e else { panic!("login") };
    assert_eq!(
        l.geo.as_ref().and_then(|g| g.country.as_deref()),
        Some("GH")
    );
    assert_eq!(l.geo.as_ref().and_then(|g| g.city.as_deref()), None);
    assert_eq!(l.asn, Some(29614));
    assert_eq!(l.network.as_deref(), Some("MAINONE"));
    // No address, or an account event: nothing to do.
    let mut quiet: Event = r#"{"type": "login", "id": "2", "time": "2026-11-02T03:14:15Z",
        "user": "li.wei@acme-trade.com", "outcome": "failure"}"#
        .parse()
        .expect("event");
    assert!(!d.enrich(&mut quiet));
}

#[test]
fn not_a_database_is_a_clear_error() {
    for bytes in [
        Vec::new(),
        b"not a database".to_vec(),
        db("test-city.mmdb")[..600].to_vec(),
    ] {
        let err = GeoDb::new().with_city(bytes).expect_err("refused");
        assert!(matches!(err, GeoError::Invalid(_)));
        assert!(err.to_string().contains("MaxMind"), "{err}");
    }
}

#[test]
fn a_log_without_places_gets_impossible_travel_from_the_database() {
    // Shanghai at 09:00, Lagos 40 minutes later: the log has only addresses.
    let d = full();
    let engine = Engine::default();
    let mut m = Monitor::new(&engine);
    let mut last = None;
    for (i, (time, ip)) in [
        ("2026-11-02T01:00:00Z", "58.32.17.90"),
        ("2026-11-02T01:40:00Z", "41.58.3.7"),
    ]
    .iter()
    .enumerate()
    {
        let mut e: Event = format!(
            r#"{{"type": "login", "id": "g{i}", "time": "{time}",
            "user": "li.wei@acme-trade.com", "outcome": "success", "ip": "{ip}"}}"#
        )
        .parse()
        .expect("event");
        d.enrich(&mut e);
        last = Some(m.observe(&e));
    }
    let v = last.expect("verdict");
    assert!(v.has("login.impossible_travel"), "{v:?}");
    let f = v
        .findings()
        .iter()
        .find(|f| f.id() == "login.impossible_travel")
        .expect("travel");
    assert_eq!(f.evidence().get("from"), Some("CN / Shanghai"));
    assert_eq!(f.evidence().get("to"), Some("NG / Lagos"));
}
