//! `login.*`: a sign-in against the user's own history, the attacking sources' recent
//! failures, and the policy (allowed countries, networks, working hours, legacy protocols).

use std::net::IpAddr;

use super::state::{
    push_bounded, Seen, SourceState, State, UserState, MAX_COUNTRY_LOGINS, MAX_FAILURES,
    MAX_SOURCE_SUCCESSES,
};
use super::{LoginEvent, LoginOutcome, ProviderRisk};
use crate::compiled::Compiled;
use crate::policy::Events;
use crate::rules;
use crate::verdict::{Evidence, Findings};

/// User-agent fragments of scripts, attack tools and password-grant (ROPC) clients,
/// lowercase. Built in; the policy adds `events.attack_user_agents`.
const ATTACK_AGENTS: &[&str] = &[
    "python-requests",
    "python-urllib",
    "aiohttp",
    "axios",
    "go-http-client",
    "curl/",
    "wget/",
    "powershell",
    "aadinternals",
    "bav2ropc",
    "ropc",
    "okhttp",
    "node-fetch",
    "libwww-perl",
    "java/",
    "scrapy",
    "httpie",
    "postmanruntime",
    "hydra",
    "mailsniper",
];

/// Source keys of an address: the IP itself (an IPv6 address by its /64) and, when known, the
/// AS. Brute force counts per IP key; spray and success-after-attack use both.
pub(crate) fn source_keys(
    ip: Option<IpAddr>,
    asn: Option<u32>,
) -> (Option<String>, Option<String>) {
    let ip_key = ip.map(|ip| match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    });
    (ip_key, asn.map(|a| format!("AS{a}")))
}

/// Great-circle distance in km (haversine, mean Earth radius 6371.0088 km).
pub(crate) fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0088 * a.sqrt().min(1.0).asin()
}

fn in_networks(ip: Option<IpAddr>, nets: &[ipnetwork::IpNetwork]) -> bool {
    ip.is_some_and(|ip| {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        nets.iter().any(|n| n.contains(ip))
    })
}

fn place(country: Option<&str>, city: Option<&str>) -> String {
    match (country, city) {
        (Some(c), Some(city)) => format!("{c} / {city}"),
        (Some(c), None) => c.to_string(),
        (None, Some(city)) => city.to_string(),
        (None, None) => "?".to_string(),
    }
}

/// Scores one login and records it in the state. `user` is the lowercased account.
pub(crate) fn check(
    c: &Compiled,
    state: &mut State,
    user: &str,
    e: &LoginEvent,
    out: &mut Findings<'_>,
) {
    let p = &c.policy.events;
    let now = e.time.unix_millis();
    let (ip_key, as_key) = source_keys(e.ip, e.asn);
    let trusted = in_networks(e.ip, &p.trusted_networks);
    let company_vpn = in_networks(e.ip, &p.vpn_networks);
    let users_seen = state.users.len();

    if let Some(ua) = &e.user_agent {
        attack_tool(p, state_user(state, user, now), ua, trusted, out);
    }
    if let Some(risk) = e.provider_risk {
        match risk {
            ProviderRisk::High => out.add(
                &rules::PROVIDER_RISK,
                1.0,
                Evidence::new().with("risk", "high"),
            ),
            ProviderRisk::Medium => out.add(
                &rules::PROVIDER_RISK,
                0.5,
                Evidence::new().with("risk", "medium"),
            ),
            _ => {}
        }
    }

    if e.outcome.is_failure() {
        failure(
            p, state, user, now, ip_key, as_key, users_seen, trusted, out,
        );
        return;
    }
    if e.outcome != LoginOutcome::Success {
        return; // blocked by policy: nothing got in, nothing to learn
    }

    // Success: compare with the attacking sources, then with the user's own history.
    if !trusted {
        success_after_attack(p, state, user, now, &e.id, [&ip_key, &as_key], out);
    }
    let geo = e.geo.clone().unwrap_or_default();
    let anonymous = e.ip_flags.tor || e.ip_flags.proxy || e.ip_flags.vpn;
    let placed = !(trusted || company_vpn || anonymous);
    if !trusted && !company_vpn {
        let kind = [
            (e.ip_flags.tor, "tor", 1.0),
            (e.ip_flags.proxy, "proxy", 0.8),
            (e.ip_flags.vpn, "vpn", 0.5),
            (e.ip_flags.hosting, "hosting", 0.5),
        ]
        .into_iter()
        .find(|(on, _, _)| *on);
        if let Some((_, kind, strength)) = kind {
            out.add(
                &rules::ANONYMIZER,
                strength,
                Evidence::new().with("kind", kind),
            );
        }
    }
    if let (Some(country), false, false) = (&geo.country, p.allowed_countries.is_empty(), trusted) {
        if !p
            .allowed_countries
            .iter()
            .any(|a| a.eq_ignore_ascii_case(country))
        {
            out.add(
                &rules::OUTSIDE_ALLOWED,
                1.0,
                Evidence::new()
                    .with("country", country.clone())
                    .with("allowed", p.allowed_countries.join(", ")),
            );
        }
    }
    if e.interactive != Some(false) {
        if let Some(offset) = p.work_hours.offset_minutes() {
            let (hour, day) = e.time.local_hour_and_weekday(offset);
            let working = p.work_hours.days.contains(&day)
                && hour >= p.work_hours.start
                && hour < p.work_hours.end;
            if !working {
                const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
                let name = DAYS.get(day.saturating_sub(1) as usize).unwrap_or(&"?");
                out.add(
                    &rules::OFF_HOURS,
                    1.0,
                    Evidence::new().with(
                        "local_time",
                        format!("{name} {hour:02}:00 {}", p.work_hours.utc_offset),
                    ),
                );
            }
        }
    }

    let device = e.device_id.clone().or_else(|| e.user_agent.clone());
    let seen = Seen {
        t: now,
        id: e.id.clone(),
        ip: e.ip,
        country: geo.country.as_ref().map(|c| c.to_ascii_uppercase()),
        city: geo.city.clone(),
        lat: geo
            .lat
            .filter(|v| v.is_finite() && (-90.0..=90.0).contains(v)),
        lon: geo
            .lon
            .filter(|v| v.is_finite() && (-180.0..=180.0).contains(v)),
        accuracy_km: geo
            .accuracy_km
            .filter(|v| v.is_finite() && *v >= 0.0)
            .unwrap_or(0.0),
        asn: e.asn,
        device,
        placed,
    };
    // Colleagues are counted only for a country new to this user (the only time they matter).
    let new_here = seen.country.as_ref().is_some_and(|country| {
        state.users.get(user).is_some_and(|u| {
            !u.history
                .iter()
                .any(|s| s.country.as_ref() == Some(country))
        })
    });
    let colleagues = seen
        .country
        .as_ref()
        .filter(|_| new_here)
        .map_or(0, |country| {
            state.country_logins.get(country).map_or(0, |q| {
                let mut others: Vec<&str> = q
                    .iter()
                    .filter(|(t, u)| now - *t <= 30 * 86_400_000 && u != user)
                    .map(|(_, u)| u.as_str())
                    .collect();
                others.sort_unstable();
                others.dedup();
                others.len()
            })
        });
    let u = state_user(state, user, now);
    if !trusted {
        travel(p, u, &seen, out);
        novelty(p, u, &seen, now, colleagues, e.network.as_deref(), out);
    }
    if e.protocol.is_legacy() {
        let quiet = u
            .legacy_last
            .is_none_or(|last| now - last > i64::from(p.legacy_quiet_days) * 86_400_000);
        let reason = if p.legacy_protocols_disabled {
            Some("disabled")
        } else if quiet && u.learned(now, p.learning_logins, p.learning_days) {
            Some("first_use")
        } else {
            None
        };
        if let Some(reason) = reason {
            out.add(
                &rules::LEGACY_PROTOCOL,
                1.0,
                Evidence::new()
                    .with("protocol", e.protocol.as_str())
                    .with("reason", reason),
            );
        }
        u.legacy_last = Some(now);
    }
    u.successes = u.successes.saturating_add(1);
    push_bounded(&mut u.history, seen.clone(), p.history);
    if let (Some(country), true) = (&seen.country, placed) {
        let q = state.country_logins.entry(country.clone()).or_default();
        push_bounded(q, (now, user.to_string()), MAX_COUNTRY_LOGINS);
    }
    for key in [ip_key, as_key].into_iter().flatten() {
        if let Some(s) = state.sources.get_mut(&key) {
            push_bounded(
                &mut s.successes,
                (now, user.to_string(), e.id.clone()),
                MAX_SOURCE_SUCCESSES,
            );
        } else if state.sources.len() < p.max_sources {
            let mut s = SourceState {
                last: now,
                ..SourceState::default()
            };
            s.successes.push_back((now, user.to_string(), e.id.clone()));
            state.sources.insert(key, s);
        }
    }
}

/// The user's state, created on first sight.
pub(crate) fn state_user<'s>(state: &'s mut State, user: &str, now: i64) -> &'s mut UserState {
    let u = state
        .users
        .entry(user.to_string())
        .or_insert_with(|| UserState::new(now));
    u.last_seen = u.last_seen.max(now);
    u.first_seen = u.first_seen.min(now);
    u
}

fn attack_tool(p: &Events, u: &mut UserState, ua: &str, trusted: bool, out: &mut Findings<'_>) {
    if trusted {
        return;
    }
    let lower = ua.to_lowercase();
    let hit = ATTACK_AGENTS
        .iter()
        .copied()
        .chain(p.attack_user_agents.iter().map(String::as_str))
        .find(|frag| !frag.is_empty() && lower.contains(&frag.to_lowercase()));
    if let Some(frag) = hit {
        if !u.tools_seen.iter().any(|t| t == frag) {
            if u.tools_seen.len() < 32 {
                u.tools_seen.push(frag.to_string());
            }
            let shown: String = ua.chars().take(120).collect();
            out.add(
                &rules::ATTACK_TOOL,
                1.0,
                Evidence::new()
                    .with("user_agent", shown)
                    .with("matched", frag),
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn failure(
    p: &Events,
    state: &mut State,
    user: &str,
    now: i64,
    ip_key: Option<String>,
    as_key: Option<String>,
    users_seen: usize,
    trusted: bool,
    out: &mut Findings<'_>,
) {
    let minute = 60_000i64;
    let keep = minute
        * i64::from(
            p.user_failure_minutes
                .max(p.source_failure_minutes)
                .max(p.spray_minutes)
                .max(p.success_after_attack_minutes),
        );
    // Per user.
    let u = state_user(state, user, now);
    push_bounded(
        &mut u.failures,
        (now, ip_key.clone().unwrap_or_else(|| "-".into())),
        MAX_FAILURES,
    );
    while u.failures.front().is_some_and(|(t, _)| now - *t > keep) {
        u.failures.pop_front();
    }
    let window = minute * i64::from(p.user_failure_minutes);
    let recent: Vec<&String> = u
        .failures
        .iter()
        .filter(|(t, _)| now - *t <= window && *t <= now)
        .map(|(_, s)| s)
        .collect();
    let mut distinct = recent.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let mut attacked = false;
    if recent.len() >= p.user_failures as usize {
        let stuffing = distinct.len() >= 3;
        attacked = true;
        out.add(
            &rules::BRUTE_FORCE,
            if stuffing { 1.0 } else { 0.6 },
            Evidence::new()
                .with("scope", "user")
                .with("kind", if stuffing { "stuffing" } else { "guessing" })
                .with("failures", recent.len().to_string())
                .with("sources", distinct.len().to_string())
                .with("minutes", p.user_failure_minutes.to_string()),
        );
    }
    if trusted {
        return;
    }
    // Per source: brute force from the IP key; spray from the IP key and the AS.
    let spray_users = if p.spray_users > 0 {
        p.spray_users as usize
    } else {
        (users_seen / 10).max(3)
    };
    let mut success_hit: Option<(String, String, String)> = None;
    for (key, is_ip) in [(ip_key, true), (as_key, false)] {
        let Some(key) = key else { continue };
        if !state.sources.contains_key(&key) && state.sources.len() >= p.max_sources {
            super::state::evict(&mut state.sources, p.max_sources.saturating_sub(1), |s| {
                s.last
            });
        }
        let s = state.sources.entry(key.clone()).or_default();
        s.last = s.last.max(now);
        push_bounded(&mut s.failures, (now, user.to_string()), MAX_FAILURES);
        while s.failures.front().is_some_and(|(t, _)| now - *t > keep) {
            s.failures.pop_front();
        }
        let mut source_attack = None;
        if is_ip {
            let (n, _) = s.recent(now, minute * i64::from(p.source_failure_minutes));
            if n >= p.source_failures as usize {
                source_attack = Some("brute_force");
                out.add(
                    &rules::BRUTE_FORCE,
                    0.8,
                    Evidence::new()
                        .with("scope", "source")
                        .with("kind", "guessing")
                        .with("failures", n.to_string())
                        .with("sources", "1")
                        .with("source", key.clone())
                        .with("minutes", p.source_failure_minutes.to_string()),
                );
            }
        }
        let (_, users) = s.recent(now, minute * i64::from(p.spray_minutes));
        if users >= spray_users {
            source_attack = Some("password_spray");
            out.add(
                &rules::PASSWORD_SPRAY,
                1.0,
                Evidence::new()
                    .with("source", key.clone())
                    .with("users", users.to_string())
                    .with("minutes", p.spray_minutes.to_string()),
            );
        }
        if source_attack.is_some() || (is_ip && attacked) {
            // A success from this source logged before the failures.
            let window = minute * i64::from(p.success_after_attack_minutes);
            if let Some((_, who, id)) = s
                .successes
                .iter()
                .rev()
                .find(|(t, _, _)| (now - *t).abs() <= window)
            {
                success_hit.get_or_insert((
                    key.clone(),
                    format!("{who} {id}"),
                    source_attack.unwrap_or("brute_force").to_string(),
                ));
            }
        }
    }
    if let Some((source, _, attack)) = success_hit {
        let failures = state.sources.get(&source).map_or(0, |s| s.failures.len());
        out.add(
            &rules::SUCCESS_AFTER_ATTACK,
            1.0,
            Evidence::new()
                .with("source", source)
                .with("attack", attack)
                .with("failures", failures.to_string()),
        );
    }
}

fn success_after_attack(
    p: &Events,
    state: &State,
    user: &str,
    now: i64,
    _id: &str,
    keys: [&Option<String>; 2],
    out: &mut Findings<'_>,
) {
    let minute = 60_000i64;
    let window = minute * i64::from(p.success_after_attack_minutes);
    let known_source = |key: &str| {
        state.users.get(user).is_some_and(|u| {
            u.history.iter().any(|s| {
                let (ip, asn) = source_keys(s.ip, s.asn);
                ip.as_deref() == Some(key) || asn.as_deref() == Some(key)
            })
        })
    };
    for key in keys.into_iter().flatten() {
        let Some(s) = state.sources.get(key) else {
            continue;
        };
        let recent: Vec<&(i64, String)> = s
            .failures
            .iter()
            .filter(|(t, _)| (now - *t).abs() <= window)
            .collect();
        let mut users: Vec<&str> = recent.iter().map(|(_, u)| u.as_str()).collect();
        users.sort_unstable();
        users.dedup();
        let spray = users.len() >= 2 && recent.len() >= 3;
        let guessed = recent.iter().filter(|(_, u)| u == user).count() >= p.user_failures as usize
            && !known_source(key);
        if spray || guessed {
            out.add(
                &rules::SUCCESS_AFTER_ATTACK,
                1.0,
                Evidence::new()
                    .with("source", key.clone())
                    .with(
                        "attack",
                        if spray {
                            "password_spray"
                        } else {
                            "brute_force"
                        },
                    )
                    .with("failures", recent.len().to_string()),
            );
            return;
        }
    }
}

fn travel(p: &Events, u: &UserState, now: &Seen, out: &mut Findings<'_>) {
    if !now.placed {
        return;
    }
    let (Some(lat), Some(lon)) = (now.lat, now.lon) else {
        return;
    };
    let Some(prev) = u
        .history
        .iter()
        .rev()
        .find(|s| s.placed && s.lat.is_some() && s.lon.is_some())
    else {
        return;
    };
    let (Some(plat), Some(plon)) = (prev.lat, prev.lon) else {
        return;
    };
    let km = haversine_km(plat, plon, lat, lon) - prev.accuracy_km - now.accuracy_km;
    if km < p.travel_min_km {
        return;
    }
    let minutes = ((now.t - prev.t).abs() as f64 / 60_000.0).max(1.0);
    let kmh = km / (minutes / 60.0);
    if kmh < p.travel_min_kmh {
        return;
    }
    // A return to a place the user logs in from often (A → B → A) is most likely the owner.
    let usual = u
        .history
        .iter()
        .filter(|s| s.country.is_some() && s.country == now.country)
        .count()
        >= 3;
    out.add(
        &rules::IMPOSSIBLE_TRAVEL,
        if usual { 0.5 } else { 1.0 },
        Evidence::new()
            .with("from", place(prev.country.as_deref(), prev.city.as_deref()))
            .with("to", place(now.country.as_deref(), now.city.as_deref()))
            .with("km", format!("{km:.0}"))
            .with("kmh", format!("{kmh:.0}"))
            .with("minutes", format!("{minutes:.0}"))
            .with("previous_event", prev.id.clone()),
    );
}

#[allow(clippy::too_many_arguments)]
fn novelty(
    p: &Events,
    u: &UserState,
    now: &Seen,
    t: i64,
    colleagues: usize,
    network: Option<&str>,
    out: &mut Findings<'_>,
) {
    if !u.learned(t, p.learning_logins, p.learning_days) || u.history.is_empty() {
        return;
    }
    if let (Some(country), true) = (&now.country, now.placed) {
        if !u
            .history
            .iter()
            .any(|s| s.country.as_ref() == Some(country))
        {
            let mut known: Vec<&str> = u
                .history
                .iter()
                .filter_map(|s| s.country.as_deref())
                .collect();
            known.sort_unstable();
            known.dedup();
            out.add(
                &rules::NEW_COUNTRY,
                if colleagues >= 3 { 0.4 } else { 1.0 },
                Evidence::new()
                    .with("country", country.clone())
                    .with(
                        "known",
                        if known.is_empty() {
                            "-".to_string()
                        } else {
                            known.join(", ")
                        },
                    )
                    .with("colleagues", colleagues.to_string()),
            );
        }
    }
    if let Some(asn) = now.asn {
        if now.placed
            && !u.history.iter().any(|s| s.asn == Some(asn))
            && u.history.iter().any(|s| s.asn.is_some())
        {
            out.add(
                &rules::NEW_NETWORK,
                1.0,
                Evidence::new()
                    .with("asn", asn.to_string())
                    .with("network", network.unwrap_or("-")),
            );
        }
    }
    if let Some(device) = &now.device {
        if !u.history.iter().any(|s| s.device.as_ref() == Some(device))
            && u.history.iter().any(|s| s.device.is_some())
        {
            let shown: String = device.chars().take(120).collect();
            out.add(
                &rules::NEW_DEVICE,
                1.0,
                Evidence::new().with("device", shown),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worked_distances() {
        // London – Changchun, about 8,180 km.
        let km = haversine_km(51.5074, -0.1278, 43.8171, 125.3235);
        assert!((km - 8180.0).abs() < 40.0, "{km}");
        // Shanghai – Beijing, about 1,070 km; the same point is 0.
        let km = haversine_km(31.2304, 121.4737, 39.9042, 116.4074);
        assert!((km - 1067.0).abs() < 15.0, "{km}");
        assert_eq!(haversine_km(10.0, 20.0, 10.0, 20.0), 0.0);
        // Antipodes: half the circumference.
        let km = haversine_km(0.0, 0.0, 0.0, 180.0);
        assert!((km - 20015.1).abs() < 1.0, "{km}");
    }

    #[test]
    fn ipv6_sources_group_by_64() {
        let a = source_keys(Some("2001:db8:1:2::5".parse().expect("ip")), Some(4134));
        let b = source_keys(Some("2001:db8:1:2:ffff::1".parse().expect("ip")), None);
        assert_eq!(a.0, b.0);
        assert_eq!(a.0.as_deref(), Some("2001:db8:1:2::/64"));
        assert_eq!(a.1.as_deref(), Some("AS4134"));
        let mapped = source_keys(Some("::ffff:203.0.113.9".parse().expect("ip")), None);
        assert_eq!(mapped.0.as_deref(), Some("203.0.113.9"));
    }
}
