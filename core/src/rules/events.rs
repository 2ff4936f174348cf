//! `login.*`, `mailbox.*`, `account.*` and `chain.*`: the rules of the event side (`Monitor`).

use super::{Family, Rule};

const ENTRA: &str = "Microsoft Entra ID Protection: risk detections (atypical travel, unfamiliar sign-in properties, password spray, anonymous IP)";
const ELASTIC_RULES: &str = "Elastic detection rules: Microsoft 365 inbox forwarding rule, mailbox audit bypass, MFA disabled";
const SIGMA: &str = "Sigma rules: cloud/m365 and linux/auth (dovecot, postfix SASL brute force)";
const IC3: &str = "FBI IC3 PSA I-091019-PSA: Business Email Compromise";

/// `login.impossible_travel`
pub(crate) static IMPOSSIBLE_TRAVEL: Rule = Rule {
    id: "login.impossible_travel",
    family: Family::Login,
    default_weight: 0.7,
    summary: "Two successful logins too far apart to travel between in the time between them.",
    description: "The distance between this successful login and the user's previous one \
        (great-circle, less both locations' accuracy radii) is at least `events.travel_min_km` \
        (500 km) and the implied speed at least `events.travel_min_kmh` (805 km/h). A stolen \
        password used from the attacker's country while the owner works at home looks like this.",
    false_positives: "VPNs, private relays, satellite and mobile networks put a user far from \
        where they are. Logins from `events.trusted_networks` and `events.vpn_networks`, or \
        flagged VPN/proxy by the host, are not compared; large accuracy radii shrink the \
        distance; a return to a place the user logs in from often weighs less.",
    references: &[ENTRA, "Elastic: Microsoft 365 impossible travel (500 mph)"],
    evidence: &[
        ("from", "the previous login's place (country / city)"),
        ("to", "this login's place"),
        ("km", "the distance less both accuracy radii, in km"),
        ("kmh", "the implied speed in km/h"),
        ("minutes", "minutes between the two logins"),
        ("previous_event", "the id of the previous login"),
    ],
    explain_en: "Impossible travel: {km} km from {from} to {to} in {minutes} minutes ({kmh} km/h).",
    explain_zh:
        "不可能的行程：{minutes} 分钟内从 {from} 到 {to}，相距 {km} 公里（约 {kmh} 公里/小时）。",
    renamed_from: &[],
};

/// `login.session_ip_change`
pub(crate) static SESSION_IP_CHANGE: Rule = Rule {
    id: "login.session_ip_change",
    family: Family::Login,
    default_weight: 0.5,
    summary: "One session used from two different networks within seconds.",
    description: "Two logins carry the same session id but come from different networks (another \
        AS, or when the AS is unknown another /24 or /64) within `events.session_ip_seconds` \
        (60 s). Nobody moves networks that fast; an attacker replaying a session cookie or \
        token stolen by an adversary-in-the-middle phishing page does.",
    false_positives: "A phone switching between Wi-Fi and mobile data mid-session, a company VPN \
        connecting: logins from `events.trusted_networks` and `events.vpn_networks` are not \
        compared, and the window is short.",
    references: &[
        ENTRA,
        "Microsoft: token theft playbook (anomalous token, session replay)",
    ],
    evidence: &[
        ("previous_ip", "the session's previous address"),
        ("ip", "this login's address"),
        ("seconds", "seconds between the two"),
        (
            "previous_event",
            "the id of the previous login of the session",
        ),
    ],
    explain_en: "The same session came from {previous_ip} and, {seconds} s later, from {ip}.",
    explain_zh: "同一会话先来自 {previous_ip}，{seconds} 秒后又来自 {ip}。",
    renamed_from: &[],
};

/// `login.new_country`
pub(crate) static NEW_COUNTRY: Rule = Rule {
    id: "login.new_country",
    family: Family::Login,
    default_weight: 0.35,
    summary: "A successful login from a country this user has not logged in from recently.",
    description: "Compared with the user's last `events.history` successful logins, after a \
        learning period (the earlier of `events.learning_logins` logins or \
        `events.learning_days` days): attackers rarely sit in their victim's country. Weak \
        alone, strong with off-hours, a legacy protocol or an attack tool.",
    false_positives: "Business trips and trade fairs. A country that many colleagues log in \
        from keeps less weight (org awareness); the organisation's networks and VPNs never count.",
    references: &[ENTRA],
    evidence: &[
        ("country", "the new country"),
        ("known", "the countries of the recent logins"),
        (
            "colleagues",
            "how many other users logged in from it recently",
        ),
    ],
    explain_en: "First login from {country} (recent logins came from {known}).",
    explain_zh: "首次从 {country} 登录（近期登录来自 {known}）。",
    renamed_from: &[],
};

/// `login.new_network`
pub(crate) static NEW_NETWORK: Rule = Rule {
    id: "login.new_network",
    family: Family::Login,
    default_weight: 0.15,
    summary: "A successful login from a network (ASN) this user has not used recently.",
    description: "The autonomous system of the source address is none of the recent logins'. \
        Attackers' infrastructure (hosting providers, other ISPs) shows up as a new network even \
        inside the user's country.",
    false_positives: "A new phone contract, a hotel, a café. Very weak alone.",
    references: &[ENTRA],
    evidence: &[
        ("asn", "the new AS number"),
        ("network", "the network's name, when known"),
    ],
    explain_en: "First login from network AS{asn} ({network}).",
    explain_zh: "首次从网络 AS{asn}（{network}）登录。",
    renamed_from: &[],
};

/// `login.new_device`
pub(crate) static NEW_DEVICE: Rule = Rule {
    id: "login.new_device",
    family: Family::Login,
    default_weight: 0.15,
    summary: "A successful login from a device or client this user has not used recently.",
    description: "The device id, or without one the user agent, is none of the recent logins'.",
    false_positives: "New phones and browser updates; very weak alone.",
    references: &[ENTRA],
    evidence: &[("device", "the device id or user agent")],
    explain_en: "First login from the device or client {device}.",
    explain_zh: "首次从设备或客户端 {device} 登录。",
    renamed_from: &[],
};

/// `login.outside_allowed`
pub(crate) static OUTSIDE_ALLOWED: Rule = Rule {
    id: "login.outside_allowed",
    family: Family::Login,
    default_weight: 0.5,
    summary: "A successful login from a country the policy does not allow.",
    description: "`events.allowed_countries` lists where the organisation works; a successful \
        login from elsewhere means the password works for someone outside.",
    false_positives: "Travel to a country not on the list; add it, or log in through the VPN.",
    references: &["Microsoft Entra Conditional Access: named locations"],
    evidence: &[
        ("country", "the login's country"),
        ("allowed", "the allowed countries"),
    ],
    explain_en: "Login from {country}, which is not among the allowed countries ({allowed}).",
    explain_zh: "从 {country} 登录，不在允许的国家/地区（{allowed}）之内。",
    renamed_from: &[],
};

/// `login.anonymizer`
pub(crate) static ANONYMIZER: Rule = Rule {
    id: "login.anonymizer",
    family: Family::Login,
    default_weight: 0.4,
    summary: "A login through Tor, an anonymous proxy, a commercial VPN or a hosting network.",
    description: "The host flags the source address (from its threat intelligence or a \
        geolocation database). Attackers hide behind such networks; employees rarely log in \
        to mail from a data centre.",
    false_positives: "Privacy-minded users and company VPNs: list the company's VPN egress in \
        `events.vpn_networks`. Tor and proxies weigh more than VPN and hosting.",
    references: &[ENTRA],
    evidence: &[("kind", "tor | proxy | vpn | hosting")],
    explain_en: "The login came through {kind|t}.",
    explain_zh: "登录经由{kind|t}。",
    renamed_from: &[],
};

/// `login.off_hours`
pub(crate) static OFF_HOURS: Rule = Rule {
    id: "login.off_hours",
    family: Family::Login,
    default_weight: 0.1,
    summary: "A successful interactive login outside working hours.",
    description: "Outside `events.work_hours` in the organisation's time zone. Very weak alone; \
        \"3 a.m. from a country never seen\" is the pattern it completes.",
    false_positives: "People read mail in the evening; the weight is low on purpose.",
    references: &[ENTRA],
    evidence: &[(
        "local_time",
        "the hour and weekday in the organisation's time zone",
    )],
    explain_en: "Login outside working hours ({local_time}).",
    explain_zh: "非工作时间登录（{local_time}）。",
    renamed_from: &[],
};

/// `login.brute_force`
pub(crate) static BRUTE_FORCE: Rule = Rule {
    id: "login.brute_force",
    family: Family::Login,
    default_weight: 0.4,
    summary: "Repeated failed logins on one account or from one source.",
    description: "At least `events.user_failures` failures on one user within \
        `events.user_failure_minutes` (guessing: one or few sources; stuffing: many sources, \
        a slow attack on one user), or `events.source_failures` failures from one source (an \
        IP, an IPv6 /64, or an ASN) within `events.source_failure_minutes`.",
    false_positives: "A phone with an old password retries every few minutes; that is one \
        source, one user, and stays at guessing with low weight.",
    references: &[SIGMA, "MITRE ATT&CK T1110 (brute force)"],
    evidence: &[
        ("scope", "user | source"),
        ("kind", "guessing | stuffing"),
        ("failures", "failures in the window"),
        ("sources", "distinct sources among them"),
        ("source", "the source (IP, /64 or AS), for scope source"),
        ("minutes", "the window"),
    ],
    explain_en:
        "{failures} failed logins in {minutes} minutes ({scope|t}, {kind|t}, {sources} sources).",
    explain_zh: "{minutes} 分钟内 {failures} 次登录失败（{scope|t}，{kind|t}，{sources} 个来源）。",
    renamed_from: &[],
};

/// `login.password_spray`
pub(crate) static PASSWORD_SPRAY: Rule = Rule {
    id: "login.password_spray",
    family: Family::Login,
    default_weight: 0.5,
    summary: "One source tries passwords on many different accounts.",
    description: "One source (IP, IPv6 /64 or ASN) fails on at least `events.spray_users` \
        distinct users within `events.spray_minutes`; with 0, a tenth of the users seen (at \
        least 3), so a ten-person company is protected as well as a large one.",
    false_positives: "A shared office NAT where many people mistype after a password policy \
        change; list it in `events.trusted_networks`.",
    references: &[ENTRA, "MITRE ATT&CK T1110.003 (password spraying)"],
    evidence: &[
        ("source", "the source (IP, /64 or AS)"),
        ("users", "distinct users it failed on"),
        ("minutes", "the window"),
    ],
    explain_en:
        "Password spray: {source} failed on {users} different accounts within {minutes} minutes.",
    explain_zh: "密码喷洒攻击：{source} 在 {minutes} 分钟内对 {users} 个不同账号登录失败。",
    renamed_from: &[],
};

/// `login.success_after_attack`
pub(crate) static SUCCESS_AFTER_ATTACK: Rule = Rule {
    id: "login.success_after_attack",
    family: Family::Login,
    default_weight: 0.85,
    summary: "A successful login from a source that was just brute-forcing or spraying.",
    description: "The attack worked: the same source (IP, /64 or ASN) that failed repeatedly \
        within `events.success_after_attack_minutes` now signs in. Also when the success is \
        logged before the failures (logs arrive out of order).",
    false_positives: "A user who mistyped five times and then got it right, from their own \
        address: the attack must have been on several users, or the source must be new for \
        this user.",
    references: &[ENTRA, SIGMA],
    evidence: &[
        ("source", "the attacking source"),
        ("attack", "brute_force | password_spray"),
        ("failures", "failures from the source in the window"),
    ],
    explain_en:
        "Successful login from {source}, which had just failed {failures} times ({attack|t}).",
    explain_zh: "来自 {source} 的登录成功，而该来源刚刚失败了 {failures} 次（{attack|t}）。",
    renamed_from: &[],
};

/// `login.legacy_protocol`
pub(crate) static LEGACY_PROTOCOL: Rule = Rule {
    id: "login.legacy_protocol",
    family: Family::Login,
    default_weight: 0.3,
    summary: "A login with a legacy mail protocol (POP3, IMAP, SMTP AUTH, ActiveSync password).",
    description: "Legacy protocols take a bare password, so a second factor never applies; \
        attackers use them to test and use stolen passwords. Reported for every use when \
        `events.legacy_protocols_disabled`, otherwise on the first use after \
        `events.legacy_quiet_days` days without one.",
    false_positives: "Old mail clients, printers and scanners that send by SMTP AUTH. They use \
        the protocol every day, so only the first use after a quiet period is reported.",
    references: &[
        "Microsoft: deprecation of Basic authentication in Exchange Online",
        SIGMA,
    ],
    evidence: &[
        ("protocol", "the protocol"),
        ("reason", "disabled | first_use"),
    ],
    explain_en: "Login over {protocol} ({reason|t}).",
    explain_zh: "通过 {protocol} 登录（{reason|t}）。",
    renamed_from: &[],
};

/// `login.attack_tool`
pub(crate) static ATTACK_TOOL: Rule = Rule {
    id: "login.attack_tool",
    family: Family::Login,
    default_weight: 0.5,
    summary: "A login whose user agent is a script, an attack tool or a password-grant client.",
    description: "python-requests, axios, Go-http-client, curl, PowerShell, AADInternals and \
        ROPC clients (BAV2ROPC) are how stolen passwords are tried at scale; people use \
        Outlook and browsers. Reported on the first such login per user (the list is data: \
        built in plus `events.attack_user_agents`).",
    false_positives: "The organisation's own scripts that read a mailbox; they log in from the \
        organisation's networks, which are exempt.",
    references: &[
        "Microsoft Incident Response: BAV2ROPC and legacy authentication abuse",
        "Elastic: Microsoft 365 suspicious user agent",
    ],
    evidence: &[
        ("user_agent", "the user agent"),
        ("matched", "the fragment of the list it matched"),
    ],
    explain_en: "Login by a script or attack tool ({matched}: {user_agent}).",
    explain_zh: "由脚本或攻击工具登录（{matched}：{user_agent}）。",
    renamed_from: &[],
};

/// `login.provider_risk`
pub(crate) static PROVIDER_RISK: Rule = Rule {
    id: "login.provider_risk",
    family: Family::Login,
    default_weight: 0.5,
    summary: "The identity provider itself rated the login risky.",
    description: "Entra ID and Google report their own risk level; medium keeps half the weight.",
    false_positives: "As the provider's; low risk is not reported.",
    references: &[ENTRA],
    evidence: &[("risk", "medium | high")],
    explain_en: "The identity provider rated this login {risk|t} risk.",
    explain_zh: "身份提供方将此次登录评为{risk|t}风险。",
    renamed_from: &[],
};

/// `mailbox.external_forwarding`
pub(crate) static EXTERNAL_FORWARDING: Rule = Rule {
    id: "mailbox.external_forwarding",
    family: Family::Mailbox,
    default_weight: 0.6,
    summary: "Mail is forwarded or redirected outside the organisation.",
    description: "An inbox rule or the mailbox's own forwarding sends mail to an address \
        outside the organisation's domains (compared by organisation domain, `smtp:` prefixes \
        and lists handled). The attacker then reads every invoice and payment conversation. \
        Stronger when no copy is kept (redirect, delete, stop processing, \
        DeliverToMailboxAndForward false) and to free mail.",
    false_positives: "Forwarding to one's own private mailbox, or to a partner's shared \
        address, is sometimes allowed; partners' domains keep a third of the weight.",
    references: &[ELASTIC_RULES, "MITRE ATT&CK T1114.003 (email forwarding rule)", IC3],
    evidence: &[
        ("targets", "the outside addresses"),
        (
            "via",
            "inbox_rule | mailbox_forwarding | sieve_redirect | transport_rule",
        ),
        ("keeps_copy", "yes | no | unknown"),
    ],
    explain_en: "Mail is forwarded outside the organisation to {targets} ({via|t}; copy kept: {keeps_copy|t}).",
    explain_zh: "邮件被转发到组织外部：{targets}（{via|t}；是否保留副本：{keeps_copy|t}）。",
    renamed_from: &[],
};

/// `mailbox.shared_forward_target`
pub(crate) static SHARED_FORWARD_TARGET: Rule = Rule {
    id: "mailbox.shared_forward_target",
    family: Family::Mailbox,
    default_weight: 0.75,
    summary: "Several mailboxes forward to the same outside address.",
    description: "One attacker collects mail from every account they took over at one \
        address; no person forwards several colleagues' mail to the same private mailbox.",
    false_positives: "An outsourced accounting firm that receives copies from several people; \
        put its domain among the partners.",
    references: &[ELASTIC_RULES],
    evidence: &[
        ("target", "the shared address"),
        ("mailboxes", "the mailboxes that forward to it"),
    ],
    explain_en: "{mailboxes} all forward mail to {target}.",
    explain_zh: "{mailboxes} 都把邮件转发到 {target}。",
    renamed_from: &[],
};

/// `mailbox.hiding_rule`
pub(crate) static HIDING_RULE: Rule = Rule {
    id: "mailbox.hiding_rule",
    family: Family::Mailbox,
    default_weight: 0.5,
    summary: "An inbox rule hides mail: deletes it, marks it read, or moves it out of sight.",
    description: "Moves to Deleted Items, Junk, RSS, Archive or Conversation History (in the \
        mailbox's language too: 已删除邮件, 垃圾邮件, RSS 源, 存档), deletes, or marks as read. \
        Attackers hide the real partner's replies and the bank's warnings so the fraud is not \
        noticed. Stronger with money or security words in the condition (invoice, payment, \
        wire, bank, 付款, 发票, 汇款, security, phish), a key customer's domain as the sender, or \
        a name made only of punctuation (\".\", \"..\").",
    false_positives: "People file newsletters into folders. A plain move to an ordinary folder \
        is not reported; a hiding action with no money, security or partner condition keeps \
        half the weight.",
    references: &[
        ELASTIC_RULES,
        "MITRE ATT&CK T1564.008 (email hiding rules)",
        IC3,
    ],
    evidence: &[
        ("rule", "the rule's name"),
        ("action", "delete | mark_as_read | move (folder)"),
        (
            "condition",
            "the money/security words or partner domains in its conditions, or -",
        ),
        (
            "suspicious_name",
            "yes | no: the name is only punctuation or one or two characters",
        ),
    ],
    explain_en: "Inbox rule \"{rule}\" hides mail ({action}; condition: {condition}).",
    explain_zh: "收件箱规则“{rule}”会隐藏邮件（{action}；条件：{condition}）。",
    renamed_from: &[],
};

/// `mailbox.protocol_enabled`
pub(crate) static PROTOCOL_ENABLED: Rule = Rule {
    id: "mailbox.protocol_enabled",
    family: Family::Mailbox,
    default_weight: 0.3,
    summary: "POP, IMAP or SMTP AUTH access was switched on for a mailbox.",
    description: "Switching a legacy protocol on lets a password alone download or send mail, \
        past the second factor: a way to keep access after a takeover.",
    false_positives: "An admin enabling a scanner or an old client; high only after a risky login.",
    references: &[ELASTIC_RULES],
    evidence: &[("protocols", "what was switched on")],
    explain_en: "Legacy access switched on: {protocols}.",
    explain_zh: "已开启旧式协议访问：{protocols}。",
    renamed_from: &[],
};

/// `mailbox.permission_granted`
pub(crate) static PERMISSION_GRANTED: Rule = Rule {
    id: "mailbox.permission_granted",
    family: Family::Mailbox,
    default_weight: 0.5,
    summary: "Another account was given access to the mailbox (full access, send as, on behalf).",
    description: "A delegate can read and send as the owner; attackers grant themselves access \
        from a second compromised account to keep it.",
    false_positives: "Assistants and shared mailboxes are granted access routinely; high only \
        after a risky login or when the grantee is outside the organisation.",
    references: &[ELASTIC_RULES],
    evidence: &[
        ("grantee", "who received access"),
        ("actor", "who granted it"),
    ],
    explain_en: "{grantee} was given access to this mailbox by {actor}.",
    explain_zh: "{actor} 授予 {grantee} 访问此邮箱的权限。",
    renamed_from: &[],
};

/// `mailbox.audit_disabled`
pub(crate) static AUDIT_DISABLED: Rule = Rule {
    id: "mailbox.audit_disabled",
    family: Family::Mailbox,
    default_weight: 0.65,
    summary: "Mailbox auditing was switched off or bypassed.",
    description: "Attackers erase their tracks: Set-MailboxAuditBypassAssociation or auditing \
        switched off means later actions leave no record.",
    false_positives: "Service accounts with huge volumes are sometimes exempted by admins; \
        rare, and worth a question every time.",
    references: &[ELASTIC_RULES, "MITRE ATT&CK T1562.008 (disable cloud logs)"],
    evidence: &[("target", "the account concerned")],
    explain_en: "Mailbox auditing was switched off or bypassed for {target}.",
    explain_zh: "已为 {target} 关闭或绕过邮箱审计。",
    renamed_from: &[],
};

/// `mailbox.mass_action`
pub(crate) static MASS_ACTION: Rule = Rule {
    id: "mailbox.mass_action",
    family: Family::Mailbox,
    default_weight: 0.5,
    summary: "Unusually many messages sent, deleted or read/exported.",
    description: "More than `events.mass_send_per_hour` messages sent in an hour and ten times \
        the user's own hourly average, or more than `events.mass_items_per_hour` items deleted or \
        accessed: a compromised account sending phishing to every contact, wiping evidence, or \
        exporting the mailbox.",
    false_positives: "Newsletters from a personal mailbox, a clean-up of old mail, a migration.",
    references: &[ELASTIC_RULES, "MITRE ATT&CK T1114 (email collection)"],
    evidence: &[
        ("action", "send | delete | access"),
        ("count", "how many in the last hour"),
        ("baseline", "the user's average per hour, or -"),
    ],
    explain_en: "Mass {action|t}: {count} in one hour (usual: {baseline}).",
    explain_zh: "大量{action|t}：一小时内 {count} 封/项（平时：{baseline}）。",
    renamed_from: &[],
};

/// `account.recovery_changed`
pub(crate) static RECOVERY_CHANGED: Rule = Rule {
    id: "account.recovery_changed",
    family: Family::Account,
    default_weight: 0.6,
    summary: "The recovery phone number or e-mail address changed.",
    description: "Attackers replace the recovery contact so the owner cannot take the account \
        back. Always recorded; full weight after a risky login, 40 % otherwise.",
    false_positives: "People change phones; that is why it is weak without a risky login.",
    references: &[ENTRA, "Google Workspace: account recovery settings changed"],
    evidence: &[
        ("target", "the new value, when the source gives it"),
        ("after_risky_login", "the risky login's id, or -"),
    ],
    explain_en: "Recovery contact changed (new: {target}; after risky login: {after_risky_login}).",
    explain_zh: "账号恢复联系方式被修改（新值：{target}；此前的风险登录：{after_risky_login}）。",
    renamed_from: &[],
};

/// `account.mfa_disabled`
pub(crate) static MFA_DISABLED: Rule = Rule {
    id: "account.mfa_disabled",
    family: Family::Account,
    default_weight: 0.7,
    summary: "Multi-factor authentication was switched off or a method removed.",
    description: "With the second factor gone, the password alone opens the account again \
        later. Always recorded; full weight after a risky login, 60 % otherwise.",
    false_positives: "An admin resetting a lost phone; they do it from the organisation's \
        network, with no risky login before.",
    references: &[ELASTIC_RULES, ENTRA],
    evidence: &[
        ("actor", "who did it"),
        ("after_risky_login", "the risky login's id, or -"),
    ],
    explain_en:
        "Two-factor login was switched off by {actor} (after risky login: {after_risky_login}).",
    explain_zh: "{actor} 关闭了双重验证（此前的风险登录：{after_risky_login}）。",
    renamed_from: &[],
};

/// `account.app_consent`
pub(crate) static APP_CONSENT: Rule = Rule {
    id: "account.app_consent",
    family: Family::Account,
    default_weight: 0.4,
    summary: "An application was granted access to the account, or an app password created.",
    description: "An OAuth grant or an app password keeps working after the password is \
        changed: attackers use it to keep reading mail. Full weight after a risky login.",
    false_positives: "Users connect calendars and CRMs; weak without a risky login.",
    references: &[
        "Microsoft: detect and remediate illicit consent grants",
        ELASTIC_RULES,
    ],
    evidence: &[
        ("application", "the application's name"),
        ("after_risky_login", "the risky login's id, or -"),
    ],
    explain_en:
        "Access granted to the application {application} (after risky login: {after_risky_login}).",
    explain_zh: "已授予应用 {application} 访问权限（此前的风险登录：{after_risky_login}）。",
    renamed_from: &[],
};

/// `chain.account_takeover`
pub(crate) static ACCOUNT_TAKEOVER: Rule = Rule {
    id: "chain.account_takeover",
    family: Family::Chain,
    default_weight: 0.95,
    summary: "A risky login, then a mailbox change, then (optionally) a payment-change mail: a taken-over account.",
    description: "Within `events.chain_hours`: a login with risk findings (impossible travel, \
        new country, spray success, attack tool …), then a change that gives the attacker \
        persistence or cover (forwarding, hiding rule, MFA off, recovery change, permissions, \
        app consent, audit bypass), and then a message from the account whose verdict asks \
        for a payment change. No single event proves it; the chain does, so the verdict is \
        raised to critical and lists every step.",
    false_positives: "A user travelling who also sets up forwarding to a colleague's private \
        address. The chain names its steps so that a person can check each quickly.",
    references: &[IC3, ENTRA, "MITRE ATT&CK T1078 (valid accounts), T1114.003, T1564.008"],
    evidence: &[
        ("login", "the risky login's id and rules"),
        ("changes", "the mailbox changes' ids and rules"),
        ("message", "the payment-change message's id, or -"),
        ("hours", "hours from the login to the last step"),
    ],
    explain_en: "Account takeover within {hours} h: risky login {login}; then {changes}; then message {message}.",
    explain_zh: "账号在 {hours} 小时内被接管：风险登录 {login}；随后 {changes}；再后发出邮件 {message}。",
    renamed_from: &[],
};
