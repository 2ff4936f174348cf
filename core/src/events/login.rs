//! `login.*`: a sign-in against the user's own history, the attacking sources' recent
//! failures, and the policy (allowed countries, networks, working hours, legacy protocols).

use std::net::IpAddr;

use super::state::{
    push_bounded, Fix, Seen, Short, SourceKey, SourceState, State, Tagger, UserState,
    MAX_COUNTRY_LOGINS, MAX_FAILURES, MAX_SOURCE_SUCCESSES,
};
use super::{LoginEvent, LoginOutcome, ProviderRisk};
use crate::compiled::Compiled;
use crate::policy::Events;
use crate::rules;
use crate::verdict::{Evidence, Findings};

/// Source keys of an address: the IP itself (an IPv6 address by its /64) and, when known, the
/// AS. Brute force counts per IP key; spray and success-after-attack use both.
pub(crate) fn source_keys(
    ip: Option<IpAddr>,
    asn: Option<u32>,
) -> (Option<SourceKey>, Option<SourceKey>) {
    (ip.map(SourceKey::of_ip), asn.map(SourceKey::As))
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

/// Writes "country / city" (or what of it is known, or `?`) into `out`.
fn place(out: &mut String, country: Option<&str>, city: Option<&str>) {
    match (country, city) {
        (Some(c), Some(city)) => {
            out.push_str(c);
            out.push_str(" / ");
            out.push_str(city);
        }
        (Some(c), None) => out.push_str(c),
        (None, Some(city)) => out.push_str(city),
        (None, None) => out.push('?'),
    }
}

/// Scores one login and records it in the state. `user` is the tag of the lowercased account.
pub(crate) fn check(
    c: &Compiled,
    state: &mut State,
    user: u64,
    e: &LoginEvent,
    out: &mut Findings<'_>,
) {
    let p = &c.policy.events;
    let now = e.time.unix_millis();
    let (ip_key, as_key) = source_keys(e.ip, e.asn);
    let trusted = in_networks(e.ip, &p.trusted_networks);
    let company_vpn = in_networks(e.ip, &p.vpn_networks);
    let users_seen = state.users.len();

    let ua_tag = e.user_agent.as_deref().map(|ua| state.tagger.tag32(ua));
    if let (Some(ua), Some(tag)) = (&e.user_agent, ua_tag) {
        // A user agent already among the user's recent logins was checked then.
        let u = state_user(state, user, now);
        let known = e.device_id.is_none() && u.history.iter().any(|s| s.placed && s.device == tag);
        if !known {
            attack_tool(c, u, ua, trusted, out);
        }
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
        success_after_attack(p, state, user, now, [ip_key, as_key], out);
    }
    let no_geo = super::Geo::default();
    let geo = e.geo.as_ref().unwrap_or(&no_geo);
    let anonymous = e.ip_flags.tor || e.ip_flags.proxy || e.ip_flags.vpn;
    // Private relays and satellite networks say nothing of where the user is.
    let relay = e
        .asn
        .is_some_and(|a| crate::policy::RELAY_ASNS.contains(&a) || p.relay_asns.contains(&a));
    let placed = !(trusted || company_vpn || anonymous || relay);
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
                    .with("country", country.as_str())
                    .with("allowed", p.allowed_countries.join(", ")),
            );
        }
    }
    if e.interactive != Some(false) {
        if let Some(offset) = c.work_offset_minutes {
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

    let tags = state.tagger;
    let device = e.device_id.as_deref().or(e.user_agent.as_deref());
    let seen = Seen {
        t: now,
        src: ip_key.map_or(0, |k| tags.source32(k)),
        country: geo.country.as_deref().map(Short::upper),
        city: geo.city.as_deref().map_or(0, |c| tags.tag32(c)),
        lat: geo
            .lat
            .filter(|v| v.is_finite() && (-90.0..=90.0).contains(v))
            .map(|v| v as f32),
        lon: geo
            .lon
            .filter(|v| v.is_finite() && (-180.0..=180.0).contains(v))
            .map(|v| v as f32),
        accuracy_km: geo
            .accuracy_km
            .filter(|v| v.is_finite() && *v >= 0.0)
            .unwrap_or(0.0) as f32,
        asn: e.asn,
        device: match (e.device_id.as_deref(), ua_tag) {
            (Some(d), _) => tags.tag32(d),
            (None, Some(ua)) => ua,
            (None, None) => 0,
        },
        placed,
    };
    let user_tag = user;
    // Colleagues are counted only for a country new to this user (the only time they matter).
    let new_here = seen.country.is_some_and(|country| {
        state
            .users
            .get(&user)
            .is_some_and(|u| !u.history.iter().any(|s| s.country == Some(country)))
    });
    let colleagues = seen.country.filter(|_| new_here).map_or(0, |country| {
        state.country_logins.get(&country).map_or(0, |q| {
            let mut others: Vec<u64> = q
                .iter()
                .filter(|(t, u)| now - *t <= 30 * 86_400_000 && *u != user_tag)
                .map(|(_, u)| *u)
                .collect();
            others.sort_unstable();
            others.dedup();
            others.len()
        })
    });
    let u = state_user(state, user, now);
    if !trusted && !company_vpn {
        session_moved(p, tags, u, e, out);
    }
    if !trusted {
        travel(p, u, &seen, geo.city.as_deref(), out);
        novelty(
            p,
            u,
            &seen,
            now,
            colleagues,
            e.network.as_deref(),
            device,
            out,
        );
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
    if let (true, Some(lat), Some(lon)) = (placed, seen.lat, seen.lon) {
        let fix = u.fix.get_or_insert_with(|| Fix {
            t: now,
            lat,
            lon,
            accuracy_km: seen.accuracy_km,
            id: String::new(),
            place: String::new(),
        });
        fix.t = now;
        fix.lat = lat;
        fix.lon = lon;
        fix.accuracy_km = seen.accuracy_km;
        fix.id.clear();
        fix.id.push_str(&e.id);
        fix.place.clear();
        place(&mut fix.place, geo.country.as_deref(), geo.city.as_deref());
    }
    push_bounded(&mut u.history, seen, p.history);
    if let (Some(country), true) = (seen.country, placed) {
        let q = state.country_logins.entry(country).or_default();
        push_bounded(q, (now, user_tag), MAX_COUNTRY_LOGINS);
    }
    for key in [ip_key, as_key].into_iter().flatten() {
        if let Some(s) = state.sources.get_mut(&key) {
            push_bounded(&mut s.successes, (now, user_tag), MAX_SOURCE_SUCCESSES);
        } else if state.sources.len() < p.max_sources {
            let mut s = SourceState {
                last: now,
                ..SourceState::default()
            };
            s.successes.push_back((now, user_tag));
            state.sources.insert(key, s);
        }
    }
}

/// The user's state, created on first sight.
pub(crate) fn state_user(state: &mut State, user: u64, now: i64) -> &mut UserState {
    let u = state
        .users
        .entry(user)
        .or_insert_with(|| UserState::new(now));
    u.last_seen = u.last_seen.max(now);
    u.first_seen = u.first_seen.min(now);
    u
}

fn attack_tool(c: &Compiled, u: &mut UserState, ua: &str, trusted: bool, out: &mut Findings<'_>) {
    if trusted {
        return;
    }
    if let Some(frag) = c.attack_agents.find(ua) {
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
    user: u64,
    now: i64,
    ip_key: Option<SourceKey>,
    as_key: Option<SourceKey>,
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
    let user_tag = user;
    let u = state_user(state, user, now);
    push_bounded(&mut u.failures, (now, ip_key), MAX_FAILURES);
    while u.failures.front().is_some_and(|(t, _)| now - *t > keep) {
        u.failures.pop_front();
    }
    let window = minute * i64::from(p.user_failure_minutes);
    let recent: Vec<Option<SourceKey>> = u
        .failures
        .iter()
        .filter(|(t, _)| now - *t <= window && *t <= now)
        .map(|(_, s)| *s)
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
    let mut success_hit: Option<(SourceKey, &str)> = None;
    for (key, is_ip) in [(ip_key, true), (as_key, false)] {
        let Some(key) = key else { continue };
        if !state.sources.contains_key(&key) && state.sources.len() >= p.max_sources {
            super::state::evict(&mut state.sources, p.max_sources.saturating_sub(1), |s| {
                s.last
            });
        }
        let s = state.sources.entry(key).or_default();
        s.last = s.last.max(now);
        push_bounded(&mut s.failures, (now, user_tag), MAX_FAILURES);
        while s.failures.front().is_some_and(|(t, _)| now - *t > keep) {
            s.failures.pop_front();
        }
        let mut source_attack = None;
        if is_ip {
            let n = s.recent_failures(now, minute * i64::from(p.source_failure_minutes));
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
                        .with("source", key.to_string())
                        .with("minutes", p.source_failure_minutes.to_string()),
                );
            }
        }
        let users = s.recent_users(now, minute * i64::from(p.spray_minutes), spray_users);
        if users >= spray_users {
            source_attack = Some("password_spray");
            out.add(
                &rules::PASSWORD_SPRAY,
                1.0,
                Evidence::new()
                    .with("source", key.to_string())
                    .with("users", users.to_string())
                    .with("minutes", p.spray_minutes.to_string()),
            );
        }
        if source_attack.is_some() || (is_ip && attacked) {
            // A success from this source logged before the failures.
            let window = minute * i64::from(p.success_after_attack_minutes);
            if s.successes.iter().any(|(t, _)| (now - *t).abs() <= window) {
                success_hit.get_or_insert((key, source_attack.unwrap_or("brute_force")));
            }
        }
    }
    if let Some((source, attack)) = success_hit {
        let failures = state.sources.get(&source).map_or(0, |s| s.failures.len());
        out.add(
            &rules::SUCCESS_AFTER_ATTACK,
            1.0,
            Evidence::new()
                .with("source", source.to_string())
                .with("attack", attack)
                .with("failures", failures.to_string()),
        );
    }
}

fn success_after_attack(
    p: &Events,
    state: &State,
    user: u64,
    now: i64,
    keys: [Option<SourceKey>; 2],
    out: &mut Findings<'_>,
) {
    let minute = 60_000i64;
    let window = minute * i64::from(p.success_after_attack_minutes);
    let known_source = |key: SourceKey| {
        let tag = state.tagger.source32(key);
        state.users.get(&user).is_some_and(|u| {
            u.history.iter().any(|s| match key {
                SourceKey::As(n) => s.asn == Some(n),
                _ => s.src == tag,
            })
        })
    };
    let user_tag = user;
    for key in keys.into_iter().flatten() {
        let Some(s) = state.sources.get(&key) else {
            continue;
        };
        let recent: Vec<&(i64, u64)> = s
            .failures
            .iter()
            .filter(|(t, _)| (now - *t).abs() <= window)
            .collect();
        let mut users: Vec<u64> = recent.iter().map(|(_, u)| *u).filter(|u| *u != 0).collect();
        users.sort_unstable();
        users.dedup();
        let spray = users.len() >= 2 && recent.len() >= 3;
        let guessed = recent.iter().filter(|(_, u)| *u == user_tag).count()
            >= p.user_failures as usize
            && !known_source(key);
        if spray || guessed {
            out.add(
                &rules::SUCCESS_AFTER_ATTACK,
                1.0,
                Evidence::new()
                    .with("source", key.to_string())
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

/// `login.session_ip_change`: the same session from another network within seconds. Records
/// this login as the session's latest.
fn session_moved(
    p: &Events,
    tags: Tagger,
    u: &mut UserState,
    e: &LoginEvent,
    out: &mut Findings<'_>,
) {
    let (Some(session), Some(ip)) = (e.session_id.as_deref(), e.ip) else {
        return;
    };
    if p.session_ip_seconds == 0 || session.trim().is_empty() {
        return;
    }
    let now = e.time.unix_millis();
    let tag = tags.tag(session);
    if let Some(prev) = u.session.as_ref().filter(|s| s.tag == tag) {
        let seconds = (now - prev.t).abs() / 1_000;
        let other_network = match (prev.asn, e.asn) {
            (Some(a), Some(b)) => a != b,
            _ => !same_prefix(prev.ip, ip),
        };
        if seconds <= i64::from(p.session_ip_seconds) && other_network {
            out.add(
                &rules::SESSION_IP_CHANGE,
                1.0,
                Evidence::new()
                    .with("previous_ip", prev.ip.to_string())
                    .with("ip", ip.to_string())
                    .with("seconds", seconds.to_string())
                    .with("previous_event", prev.id.clone()),
            );
        }
    }
    let s = u.session.get_or_insert_with(|| super::state::SessionSeen {
        tag,
        t: now,
        ip,
        asn: e.asn,
        id: String::new(),
    });
    s.tag = tag;
    s.t = now;
    s.ip = ip;
    s.asn = e.asn;
    s.id.clear();
    s.id.push_str(&e.id);
}

/// Whether two addresses share their /24 (IPv4) or /64 (IPv6).
fn same_prefix(a: IpAddr, b: IpAddr) -> bool {
    match (SourceKey::of_ip(a), SourceKey::of_ip(b)) {
        (SourceKey::V4(x), SourceKey::V4(y)) => x.octets()[..3] == y.octets()[..3],
        (x, y) => x == y,
    }
}

fn travel(p: &Events, u: &UserState, now: &Seen, city: Option<&str>, out: &mut Findings<'_>) {
    if !now.placed {
        return;
    }
    let (Some(lat), Some(lon), Some(prev)) = (now.lat, now.lon, u.fix.as_ref()) else {
        return;
    };
    if prev.lat == lat && prev.lon == lon {
        return; // the same place as the last login, as most logins are: no distance at all
    }
    let km = haversine_km(
        f64::from(prev.lat),
        f64::from(prev.lon),
        f64::from(lat),
        f64::from(lon),
    ) - f64::from(prev.accuracy_km)
        - f64::from(now.accuracy_km);
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
    let mut to = String::new();
    place(&mut to, now.country.as_ref().map(Short::as_str), city);
    out.add(
        &rules::IMPOSSIBLE_TRAVEL,
        if usual { 0.5 } else { 1.0 },
        Evidence::new()
            .with("from", prev.place.clone())
            .with("to", to)
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
    device: Option<&str>,
    out: &mut Findings<'_>,
) {
    if !u.learned(t, p.learning_logins, p.learning_days) || u.history.is_empty() {
        return;
    }
    if let (Some(country), true) = (now.country, now.placed) {
        if !u.history.iter().any(|s| s.country == Some(country)) {
            let mut known: Vec<&str> = u
                .history
                .iter()
                .filter_map(|s| s.country.as_ref().map(Short::as_str))
                .collect();
            known.sort_unstable();
            known.dedup();
            out.add(
                &rules::NEW_COUNTRY,
                if colleagues >= 3 { 0.4 } else { 1.0 },
                Evidence::new()
                    .with("country", country.as_str())
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
    if let (Some(device), true) = (device, now.device != 0) {
        if !u.history.iter().any(|s| s.device == now.device)
            && u.history.iter().any(|s| s.device != 0)
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
        assert_eq!(
            a.0.map(|k| k.to_string()).as_deref(),
            Some("2001:db8:1:2::/64")
        );
        assert_eq!(a.1.map(|k| k.to_string()).as_deref(), Some("AS4134"));
        let mapped = source_keys(Some("::ffff:203.0.113.9".parse().expect("ip")), None);
        assert_eq!(
            mapped.0.map(|k| k.to_string()).as_deref(),
            Some("203.0.113.9")
        );
    }
}
