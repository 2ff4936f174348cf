//! What the monitor remembers between events, bounded everywhere: per user, per attacking
//! source, recent event ids, forwarding targets. Serialised as it is by `Monitor::snapshot`.
//!
//! Kept small and allocation-free on the hot path: a remembered login ([`Seen`]) is a fixed
//! record with no strings (its device and city are keyed tags, its country a [`Short`]
//! inline string); sources are typed keys ([`SourceKey`]); users seen by a source, and event
//! ids, are 64-bit tags of a keyed SipHash whose key is drawn per monitor and saved with it
//! (stable across runs and library versions, not predictable by whoever writes the log).
//! Maps use `hashbrown` with its randomly seeded default hasher, and `entry_ref` so that
//! looking a user up never allocates.

use std::collections::VecDeque;
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The hash map of the monitor's state.
pub(crate) type Map<K, V> = hashbrown::HashMap<K, V>;
/// The hash set of the monitor's state.
pub(crate) type Set<K> = hashbrown::HashSet<K>;

/// Failures kept per user or source, whatever the windows (a flood cannot grow them).
pub(crate) const MAX_FAILURES: usize = 1024;
/// Recent successes kept per source, for a success logged before the attack.
pub(crate) const MAX_SOURCE_SUCCESSES: usize = 16;
/// Mailbox changes kept per user for the chain.
pub(crate) const MAX_STEPS: usize = 8;
/// Risky logins kept per user for the chain (it starts from the newest; one more covers a
/// login logged out of order).
pub(crate) const MAX_RISKY: usize = 3;
/// Mailboxes remembered per forwarding target.
pub(crate) const MAX_FORWARDERS: usize = 16;
/// Logins remembered per country for "colleagues log in from there too".
pub(crate) const MAX_COUNTRY_LOGINS: usize = 64;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct State {
    /// The key of the tags (event ids, users seen by a source, devices, cities).
    pub(crate) tagger: Tagger,
    /// Users by the tag of their lowercased account.
    pub(crate) users: Map<u64, UserState>,
    pub(crate) sources: Map<SourceKey, SourceState>,
    pub(crate) seen: SeenIds,
    /// Outside forwarding target (lowercased address) → when last set, and the mailboxes
    /// forwarding to it.
    pub(crate) forward_targets: Map<String, (i64, Vec<String>)>,
    /// Country → recent successful logins there (time, user tag).
    pub(crate) country_logins: Map<Short, VecDeque<(i64, u64)>>,
}

impl Default for State {
    fn default() -> State {
        State {
            tagger: Tagger::random(),
            users: Map::default(),
            sources: Map::default(),
            seen: SeenIds::default(),
            forward_targets: Map::default(),
            country_logins: Map::default(),
        }
    }
}

/// One successful login, as remembered for comparisons: a fixed record, no strings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "SeenWire", into = "SeenWire")]
pub(crate) struct Seen {
    pub(crate) t: i64,
    /// Tag of the source key of the address (its IPv4 address or IPv6 /64; 0: none).
    pub(crate) src: u32,
    /// The country as the event gave it, uppercased.
    pub(crate) country: Option<Short>,
    /// Tag of the city (0: none).
    pub(crate) city: u32,
    pub(crate) lat: Option<f32>,
    pub(crate) lon: Option<f32>,
    pub(crate) accuracy_km: f32,
    pub(crate) asn: Option<u32>,
    /// Tag of the device id, or of the user agent when there is no device id (0: none).
    pub(crate) device: u32,
    /// Whether this login's place can be compared (not a VPN, proxy or trusted network).
    pub(crate) placed: bool,
}

/// `Seen` in a snapshot: one JSON array per login, about 70 bytes.
type SeenWire = (
    i64,
    u32,
    Option<Short>,
    u32,
    Option<f32>,
    Option<f32>,
    f32,
    Option<u32>,
    u32,
    bool,
);

impl From<SeenWire> for Seen {
    fn from(w: SeenWire) -> Seen {
        Seen {
            t: w.0,
            src: w.1,
            country: w.2,
            city: w.3,
            lat: w.4,
            lon: w.5,
            accuracy_km: w.6,
            asn: w.7,
            device: w.8,
            placed: w.9,
        }
    }
}

impl From<Seen> for SeenWire {
    fn from(s: Seen) -> SeenWire {
        (
            s.t,
            s.src,
            s.country,
            s.city,
            s.lat,
            s.lon,
            s.accuracy_km,
            s.asn,
            s.device,
            s.placed,
        )
    }
}

/// The last placed login with coordinates, which the next one is compared with for travel,
/// kept with the words its evidence needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Fix {
    pub(crate) t: i64,
    pub(crate) lat: f32,
    pub(crate) lon: f32,
    pub(crate) accuracy_km: f32,
    pub(crate) id: String,
    pub(crate) place: String,
}

/// The last login of a user that named its session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SessionSeen {
    /// Tag of the session id.
    pub(crate) tag: u64,
    pub(crate) t: i64,
    pub(crate) ip: IpAddr,
    pub(crate) asn: Option<u32>,
    pub(crate) id: String,
}

/// A step of a possible takeover chain: an event id, when, and the rules it raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Step {
    pub(crate) t: i64,
    pub(crate) id: String,
    /// The rules it raised, `, `-separated.
    pub(crate) rules: String,
}

impl Step {
    pub(crate) fn describe(&self) -> String {
        format!("{} ({})", self.id, self.rules)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct UserState {
    pub(crate) first_seen: i64,
    pub(crate) last_seen: i64,
    pub(crate) successes: u32,
    /// The last `events.history` successful logins, oldest first.
    pub(crate) history: VecDeque<Seen>,
    /// The last placed login with coordinates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) fix: Option<Fix>,
    /// The last login that named its session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) session: Option<SessionSeen>,
    /// Recent failures: time and source.
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    pub(crate) failures: VecDeque<(i64, Option<SourceKey>)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) legacy_last: Option<i64>,
    /// Attack-tool fragments already reported for this user.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) tools_seen: Vec<String>,
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    pub(crate) risky_logins: VecDeque<Step>,
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    pub(crate) changes: VecDeque<Step>,
    /// Messages sent or items touched in the current hour: (hour number, sent, deleted,
    /// accessed).
    #[serde(default)]
    pub(crate) hour: (i64, u64, u64, u64),
    /// Completed hours with sending, and what they sent, for the user's own baseline.
    #[serde(default)]
    pub(crate) send_hours: u32,
    #[serde(default)]
    pub(crate) sent_total: u64,
}

impl UserState {
    pub(crate) fn new(t: i64) -> UserState {
        UserState {
            first_seen: t,
            last_seen: t,
            ..UserState::default()
        }
    }

    /// Whether the learning period is over: the earlier of `logins` successful logins or
    /// `days` days since first seen.
    pub(crate) fn learned(&self, now: i64, logins: u32, days: u32) -> bool {
        self.successes >= logins || now - self.first_seen >= i64::from(days) * 86_400_000
    }

    pub(crate) fn push_step(list: &mut VecDeque<Step>, step: Step, cap: usize) {
        if list.len() >= cap {
            list.pop_front();
        }
        list.push_back(step);
    }
}

/// Recent failures from one source (an IP, an IPv6 /64 or an AS), across users.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct SourceState {
    pub(crate) last: i64,
    /// (time, user tag)
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    pub(crate) failures: VecDeque<(i64, u64)>,
    /// (time, user tag) of recent successes from this source.
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    pub(crate) successes: VecDeque<(i64, u64)>,
}

impl SourceState {
    /// The failures within `window_ms` before `now`, newest first.
    fn window(&self, now: i64, window_ms: i64) -> impl Iterator<Item = &(i64, u64)> {
        self.failures
            .iter()
            .rev()
            .take_while(move |(t, _)| now - *t <= window_ms)
            .filter(move |(t, _)| *t <= now)
    }

    /// How many failures within `window_ms` before `now`.
    pub(crate) fn recent_failures(&self, now: i64, window_ms: i64) -> usize {
        self.window(now, window_ms).count()
    }

    /// The distinct users (accounts named) among the failures within `window_ms` before
    /// `now`; 0 when there are fewer than `at_least` failures (they cannot name more users).
    pub(crate) fn recent_users(&self, now: i64, window_ms: i64, at_least: usize) -> usize {
        if self.recent_failures(now, window_ms) < at_least {
            return 0;
        }
        let mut users: Vec<u64> = self
            .window(now, window_ms)
            .map(|(_, u)| *u)
            .filter(|u| *u != 0)
            .collect();
        users.sort_unstable();
        users.dedup();
        users.len()
    }
}

/// Where failed logins come from, as counted: an IPv4 address (IPv4-mapped IPv6 included),
/// an IPv6 /64, or an autonomous system. Written as `203.0.113.9`, `2001:db8:1:2::/64`,
/// `AS4134`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum SourceKey {
    V4(Ipv4Addr),
    V6Net([u16; 4]),
    As(u32),
}

impl SourceKey {
    /// The key as bytes, for tags.
    fn bytes(&self) -> ([u8; 9], usize) {
        let mut b = [0u8; 9];
        match self {
            SourceKey::V4(ip) => {
                b[0] = 4;
                b[1..5].copy_from_slice(&ip.octets());
                (b, 5)
            }
            SourceKey::V6Net(s) => {
                b[0] = 6;
                for (i, g) in s.iter().enumerate() {
                    b[1 + 2 * i..3 + 2 * i].copy_from_slice(&g.to_be_bytes());
                }
                (b, 9)
            }
            SourceKey::As(n) => {
                b[0] = b'A';
                b[1..5].copy_from_slice(&n.to_be_bytes());
                (b, 5)
            }
        }
    }

    /// The key of an address: itself for IPv4, its /64 for IPv6.
    pub(crate) fn of_ip(ip: IpAddr) -> SourceKey {
        match ip {
            IpAddr::V4(v4) => SourceKey::V4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => SourceKey::V4(v4),
                None => {
                    let s = v6.segments();
                    SourceKey::V6Net([s[0], s[1], s[2], s[3]])
                }
            },
        }
    }
}

impl fmt::Display for SourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceKey::V4(ip) => write!(f, "{ip}"),
            SourceKey::V6Net(s) => {
                let net = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                write!(f, "{net}/64")
            }
            SourceKey::As(n) => write!(f, "AS{n}"),
        }
    }
}

impl std::str::FromStr for SourceKey {
    type Err = String;
    fn from_str(s: &str) -> Result<SourceKey, String> {
        if let Some(n) = s.strip_prefix("AS") {
            return n.parse().map(SourceKey::As).map_err(|e| e.to_string());
        }
        if let Some(net) = s.strip_suffix("/64") {
            let v6: Ipv6Addr = net
                .parse()
                .map_err(|e: std::net::AddrParseError| e.to_string())?;
            let g = v6.segments();
            return Ok(SourceKey::V6Net([g[0], g[1], g[2], g[3]]));
        }
        s.parse()
            .map(SourceKey::V4)
            .map_err(|e: std::net::AddrParseError| format!("source {s:?}: {e}"))
    }
}

impl Serialize for SourceKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SourceKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SourceKey, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A short string kept inline (up to 15 bytes of UTF-8; a longer one is cut at a character
/// boundary): a country as an event gives it (`CN`, `China`, `中国`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct Short {
    len: u8,
    bytes: [u8; 15],
}

impl Short {
    pub(crate) fn new(s: &str) -> Short {
        let mut end = s.len().min(15);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        let mut bytes = [0u8; 15];
        bytes[..end].copy_from_slice(&s.as_bytes()[..end]);
        Short {
            len: end as u8,
            bytes,
        }
    }
    /// Uppercased (ASCII letters), as countries are compared.
    pub(crate) fn upper(s: &str) -> Short {
        let mut out = Short::new(s);
        out.bytes[..usize::from(out.len)].make_ascii_uppercase();
        out
    }
    pub(crate) fn as_str(&self) -> &str {
        // Built only from whole characters of a `&str` (see `new`); ASCII uppercasing keeps
        // it UTF-8.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

impl fmt::Debug for Short {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for Short {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Short {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Short, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        Ok(Short::new(&s))
    }
}

/// Keyed 64-bit tags (SipHash-1-3, the variant Rust's own hash maps use against collision
/// attacks): the same text gives the same tag for one monitor, across snapshots; without the
/// key, nobody can make two texts share a tag on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Tagger {
    k0: u64,
    k1: u64,
}

impl Tagger {
    /// A fresh random key (from the standard library's randomly seeded hasher state).
    pub(crate) fn random() -> Tagger {
        let r = std::collections::hash_map::RandomState::new();
        Tagger {
            k0: r.hash_one(0x6d61_696c_7269_736bu64),
            k1: r.hash_one(0x6576_656e_7473_0001u64),
        }
    }

    /// The tag of `text`; never 0 (0 means "none" in the records that hold tags).
    pub(crate) fn tag(&self, text: &str) -> u64 {
        siphash::<1, 3>(self.k0, self.k1, text.as_bytes()).max(1)
    }

    /// A 32-bit tag, for fields compared only with the same user's recent values.
    pub(crate) fn tag32(&self, text: &str) -> u32 {
        (self.tag(text) >> 32).max(1) as u32
    }

    /// The 32-bit tag of a source key.
    pub(crate) fn source32(&self, key: SourceKey) -> u32 {
        let (b, n) = key.bytes();
        (siphash::<1, 3>(self.k0, self.k1, &b[..n]) >> 32).max(1) as u32
    }
}

/// SipHash-C-D (Aumasson and Bernstein, 2012) of `data` under the key (`k0`, `k1`): `C`
/// compression rounds per word, `D` finalisation rounds.
fn siphash<const C: usize, const D: usize>(k0: u64, k1: u64, data: &[u8]) -> u64 {
    let mut v = [
        k0 ^ 0x736f_6d65_7073_6575,
        k1 ^ 0x646f_7261_6e64_6f6d,
        k0 ^ 0x6c79_6765_6e65_7261,
        k1 ^ 0x7465_6462_7974_6573,
    ];
    fn round(v: &mut [u64; 4]) {
        v[0] = v[0].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(13) ^ v[0];
        v[0] = v[0].rotate_left(32);
        v[2] = v[2].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(16) ^ v[2];
        v[0] = v[0].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(21) ^ v[0];
        v[2] = v[2].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(17) ^ v[2];
        v[2] = v[2].rotate_left(32);
    }
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        let m = u64::from_le_bytes(b);
        v[3] ^= m;
        for _ in 0..C {
            round(&mut v);
        }
        v[0] ^= m;
    }
    let rest = chunks.remainder();
    let mut b = [0u8; 8];
    b[..rest.len()].copy_from_slice(rest);
    b[7] = data.len() as u8;
    let m = u64::from_le_bytes(b);
    v[3] ^= m;
    for _ in 0..C {
        round(&mut v);
    }
    v[0] ^= m;
    v[2] ^= 0xff;
    for _ in 0..D {
        round(&mut v);
    }
    v[0] ^ v[1] ^ v[2] ^ v[3]
}

/// Event ids seen recently (as tags), in two generations: when the current one holds half
/// the cap, it becomes the previous one and the old previous one is forgotten. So at least
/// the last `cap / 2` and at most `cap` ids are remembered, with no per-event removal.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct SeenIds {
    current: Set<u64>,
    previous: Set<u64>,
}

impl SeenIds {
    /// Records the id of tag `tag`; false when it was seen already.
    pub(crate) fn insert(&mut self, tag: u64, cap: usize) -> bool {
        if self.previous.contains(&tag) || self.current.contains(&tag) {
            return false;
        }
        if self.current.len() >= (cap / 2).max(1) {
            self.previous = std::mem::take(&mut self.current);
        }
        self.current.insert(tag);
        true
    }

    /// How many ids are remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.current.len() + self.previous.len()
    }
}

/// Removes the least recently seen eighth of `map` when it holds more than `cap` entries:
/// amortised O(1) per insert even under a flood of new names.
pub(crate) fn evict<K: Eq + Hash, V>(map: &mut Map<K, V>, cap: usize, last: impl Fn(&V) -> i64) {
    if map.len() <= cap {
        return;
    }
    let mut times: Vec<i64> = map.values().map(&last).collect();
    let drop = (map.len() - cap)
        .max(cap / 8)
        .min(times.len().saturating_sub(1));
    let (_, cut, _) = times.select_nth_unstable(drop);
    let cut = *cut;
    let mut removed = 0;
    map.retain(|_, v| {
        if removed < drop && last(v) <= cut {
            removed += 1;
            false
        } else {
            true
        }
    });
}

/// Pushes onto a bounded deque, dropping the oldest.
pub(crate) fn push_bounded<T>(q: &mut VecDeque<T>, item: T, cap: usize) {
    while q.len() >= cap.max(1) {
        q.pop_front();
    }
    q.push_back(item);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eviction_keeps_the_most_recent() {
        let mut m: Map<String, i64> = (0..1000).map(|i| (format!("u{i}"), i)).collect();
        evict(&mut m, 800, |v| *v);
        assert!(m.len() <= 800 && m.len() >= 700, "{}", m.len());
        assert!(m.contains_key("u999"));
        assert!(!m.contains_key("u0"));
    }

    #[test]
    fn seen_ids_are_bounded_and_survive_serde() {
        let t = Tagger::random();
        let mut s = SeenIds::default();
        assert!(s.insert(t.tag("a"), 2));
        assert!(!s.insert(t.tag("a"), 2));
        assert!(s.insert(t.tag("b"), 2));
        assert!(s.insert(t.tag("c"), 2));
        assert!(s.insert(t.tag("a"), 2), "a was aged out");
        assert!(s.len() <= 2);
        let mut big = SeenIds::default();
        for i in 0..10_000 {
            assert!(big.insert(t.tag(&format!("id{i}")), 1000));
            assert!(big.len() <= 1000);
        }
        assert!(!big.insert(t.tag("id9999"), 1000));
        assert!(
            !big.insert(t.tag("id9500"), 1000),
            "the last cap/2 are kept"
        );
        let json = serde_json::to_string(&s).expect("serialises");
        let mut back: SeenIds = serde_json::from_str(&json).expect("parses");
        assert!(!back.insert(t.tag("c"), 2));
    }

    #[test]
    fn siphash_known_answers() {
        // The reference vectors of the SipHash paper: key 00..0f, message 00..(n-1).
        let k0 = u64::from_le_bytes([0, 1, 2, 3, 4, 5, 6, 7]);
        let k1 = u64::from_le_bytes([8, 9, 10, 11, 12, 13, 14, 15]);
        let msg: Vec<u8> = (0u8..15).collect();
        assert_eq!(siphash::<2, 4>(k0, k1, &msg), 0xa129_ca61_49be_45e5);
        assert_eq!(siphash::<2, 4>(k0, k1, &[]), 0x726f_db47_dd0e_0e31);
        assert_eq!(siphash::<2, 4>(k0, k1, &msg[..8]), 0x93f5_f579_9a93_2462);
        // SipHash-1-3 is the same construction with fewer rounds: Rust's std hasher
        // (`SipHasher13` with zero keys) gives 0xd1fba762150c532c for the empty input.
        assert_eq!(siphash::<1, 3>(0, 0, &[]), 0xd1fb_a762_150c_532c);
        // Keyed: another key, another tag.
        let a = Tagger { k0: 1, k1: 2 };
        let b = Tagger { k0: 3, k1: 4 };
        assert_ne!(a.tag("e1"), b.tag("e1"));
        assert_eq!(a.tag("e1"), a.tag("e1"));
    }

    #[test]
    fn keys_and_short_strings_round_trip() {
        for s in ["203.0.113.9", "2001:db8:1:2::/64", "AS4134"] {
            let k: SourceKey = s.parse().expect("parses");
            assert_eq!(k.to_string(), s);
        }
        assert!("AS".parse::<SourceKey>().is_err());
        assert!("nonsense".parse::<SourceKey>().is_err());
        assert_eq!(Short::upper("cn").as_str(), "CN");
        assert_eq!(Short::new("中国").as_str(), "中国");
        // Cut at a character boundary: 5 × 3 bytes fit, the sixth does not.
        assert_eq!(Short::new("一二三四五六").as_str(), "一二三四五");
        let s: Short = serde_json::from_str("\"United Kingdom of Great Britain\"").expect("s");
        assert_eq!(s.as_str(), "United Kingdom ");
    }
}
