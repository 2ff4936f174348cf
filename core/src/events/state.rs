//! What the monitor remembers between events, bounded everywhere: per user, per attacking
//! source, recent event ids, forwarding targets. Serialised as it is by `Monitor::snapshot`.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// Failures kept per user or source, whatever the windows (a flood cannot grow them).
pub(crate) const MAX_FAILURES: usize = 1024;
/// Recent successes kept per source, for a success logged before the attack.
pub(crate) const MAX_SOURCE_SUCCESSES: usize = 16;
/// Mailbox changes and risky logins kept per user for the chain.
pub(crate) const MAX_STEPS: usize = 8;
/// Mailboxes remembered per forwarding target.
pub(crate) const MAX_FORWARDERS: usize = 16;
/// Logins remembered per country for "colleagues log in from there too".
pub(crate) const MAX_COUNTRY_LOGINS: usize = 64;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct State {
    pub(crate) users: HashMap<String, UserState>,
    pub(crate) sources: HashMap<String, SourceState>,
    pub(crate) seen: SeenIds,
    /// Outside forwarding target (lowercased address) → mailboxes forwarding to it.
    pub(crate) forward_targets: HashMap<String, Vec<String>>,
    /// Country → recent successful logins there (time, user).
    pub(crate) country_logins: HashMap<String, VecDeque<(i64, String)>>,
}

/// One successful login, as remembered for comparisons.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Seen {
    pub(crate) t: i64,
    pub(crate) id: String,
    pub(crate) ip: Option<IpAddr>,
    pub(crate) country: Option<String>,
    pub(crate) city: Option<String>,
    pub(crate) lat: Option<f64>,
    pub(crate) lon: Option<f64>,
    pub(crate) accuracy_km: f64,
    pub(crate) asn: Option<u32>,
    pub(crate) device: Option<String>,
    /// Whether this login's place can be compared (not a VPN, proxy or trusted network).
    pub(crate) placed: bool,
}

/// A step of a possible takeover chain: an event id, when, and the rules it raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Step {
    pub(crate) t: i64,
    pub(crate) id: String,
    pub(crate) rules: Vec<String>,
}

impl Step {
    pub(crate) fn describe(&self) -> String {
        format!("{} ({})", self.id, self.rules.join(", "))
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct UserState {
    pub(crate) first_seen: i64,
    pub(crate) last_seen: i64,
    pub(crate) successes: u32,
    /// The last `events.history` successful logins, oldest first.
    pub(crate) history: VecDeque<Seen>,
    /// Recent failures: time and source key.
    pub(crate) failures: VecDeque<(i64, String)>,
    pub(crate) legacy_last: Option<i64>,
    /// Attack-tool fragments already reported for this user.
    pub(crate) tools_seen: Vec<String>,
    pub(crate) risky_logins: VecDeque<Step>,
    pub(crate) changes: VecDeque<Step>,
    /// Messages sent or items touched in the current hour: (hour number, sent, deleted,
    /// accessed).
    pub(crate) hour: (i64, u64, u64, u64),
    /// Completed hours with sending, and what they sent, for the user's own baseline.
    pub(crate) send_hours: u32,
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

    pub(crate) fn push_step(list: &mut VecDeque<Step>, step: Step) {
        if list.len() >= MAX_STEPS {
            list.pop_front();
        }
        list.push_back(step);
    }
}

/// Recent failures from one source (an IP, an IPv6 /64 or an AS), across users.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct SourceState {
    pub(crate) last: i64,
    /// (time, user)
    pub(crate) failures: VecDeque<(i64, String)>,
    /// (time, user, event id) of recent successes from this source.
    pub(crate) successes: VecDeque<(i64, String, String)>,
}

impl SourceState {
    /// Failures within `window_ms` before `now`, and the distinct users among them.
    pub(crate) fn recent(&self, now: i64, window_ms: i64) -> (usize, usize) {
        let mut users: HashSet<&str> = HashSet::new();
        let mut n = 0;
        for (t, u) in self.failures.iter().rev() {
            if now - *t > window_ms {
                break;
            }
            if *t <= now {
                n += 1;
                users.insert(u);
            }
        }
        (n, users.len())
    }
}

/// Event ids seen recently, oldest dropped first.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct SeenIds {
    order: VecDeque<String>,
    #[serde(skip)]
    set: HashSet<String>,
}

impl SeenIds {
    /// Records `id`; false when it was seen already.
    pub(crate) fn insert(&mut self, id: &str, cap: usize) -> bool {
        if self.set.len() != self.order.len() {
            self.set = self.order.iter().cloned().collect();
        }
        if self.set.contains(id) {
            return false;
        }
        while self.order.len() >= cap {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        self.order.push_back(id.to_string());
        self.set.insert(id.to_string());
        true
    }
}

/// Removes the least recently seen eighth of `map` when it holds more than `cap` entries:
/// amortised O(1) per insert even under a flood of new names.
pub(crate) fn evict<V>(map: &mut HashMap<String, V>, cap: usize, last: impl Fn(&V) -> i64) {
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
    while q.len() >= cap {
        q.pop_front();
    }
    q.push_back(item);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eviction_keeps_the_most_recent() {
        let mut m: HashMap<String, i64> = (0..1000).map(|i| (format!("u{i}"), i)).collect();
        evict(&mut m, 800, |v| *v);
        assert!(m.len() <= 800 && m.len() >= 700, "{}", m.len());
        assert!(m.contains_key("u999"));
        assert!(!m.contains_key("u0"));
    }

    #[test]
    fn seen_ids_are_bounded_and_survive_serde() {
        let mut s = SeenIds::default();
        assert!(s.insert("a", 2));
        assert!(!s.insert("a", 2));
        assert!(s.insert("b", 2));
        assert!(s.insert("c", 2));
        assert!(s.insert("a", 2), "a was aged out");
        let json = serde_json::to_string(&s).expect("serialises");
        let mut back: SeenIds = serde_json::from_str(&json).expect("parses");
        assert!(!back.insert("c", 2));
    }
}
