//! Every documented Conversations webhook event decodes from a realistic form body into its
//! typed variant; malformed known events are errors naming the field; unknown events keep
//! their fields; arbitrary bodies never panic.

use conversations_api::{
    events::{WebhookBindingType, WebhookConversationState, WebhookDeliveryStatus, WebhookSource},
    EventError, WebhookEvent,
};
use proptest::prelude::*;
use std::collections::BTreeSet;

const AC: &str = "AC0123456789abcdef0123456789abcdef";
const IS: &str = "IS0123456789abcdef0123456789abcdef";
const CH: &str = "CH0123456789abcdef0123456789abcdef";
const IM: &str = "IM0123456789abcdef0123456789abcdef";
const MB: &str = "MB0123456789abcdef0123456789abcdef";
const US: &str = "US0123456789abcdef0123456789abcdef";
const RL: &str = "RL0123456789abcdef0123456789abcdef";
const MG: &str = "MG0123456789abcdef0123456789abcdef";
const DY: &str = "DY0123456789abcdef0123456789abcdef";

/// A form body as Twilio sends it (percent-encoded), decoded the way a server does.
fn form(body: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn encode(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

fn common<'a>(event: &'a str, source: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("EventType", event),
        ("AccountSid", AC),
        ("ChatServiceSid", IS),
        ("Source", source),
        ("ClientIdentity", "alice"),
        ("RetryCount", "0"),
    ]
}

const MEDIA: &str = r#"[{"Sid":"ME0123456789abcdef0123456789abcdef","Filename":"cat.png","ContentType":"image/png","Size":51234,"Category":"media"}]"#;

fn message_fields(with_sid: bool) -> Vec<(&'static str, &'static str)> {
    let mut v = vec![
        ("ConversationSid", CH),
        ("Body", "Hello ✓ & goodbye"),
        ("Author", "alice"),
        ("ParticipantSid", MB),
        ("Attributes", r#"{"importance":"high"}"#),
        ("Media", MEDIA),
        ("MessagingServiceSid", MG),
        ("DateCreated", "2024-05-01T10:00:00.000Z"),
    ];
    if with_sid {
        v.extend([("MessageSid", IM), ("Index", "42")]);
    }
    v
}

fn conversation_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("FriendlyName", "Support chat"),
        ("UniqueName", "support-42"),
        ("Attributes", "{}"),
        ("State", "active"),
        ("MessagingServiceSid", MG),
        ("DateCreated", "2024-05-01T10:00:00Z"),
        ("MessagingBinding.ProxyAddress", "+15005550006"),
        ("MessagingBinding.Address", "+15558675310"),
    ]
}

fn participant_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("ConversationSid", CH),
        ("ParticipantSid", MB),
        ("Identity", "bob"),
        ("Attributes", r#"{"role":"agent"}"#),
        ("RoleSid", RL),
        ("DateCreated", "2024-05-01T10:00:00Z"),
        ("DateUpdated", "2024-05-01T11:00:00Z"),
        ("LastReadMessageIndex", "7"),
    ]
}

fn user_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("UserSid", US),
        ("Identity", "carol"),
        ("FriendlyName", "Carol"),
        ("Attributes", "{}"),
        ("RoleSid", RL),
        ("DateCreated", "2024-05-01T10:00:00Z"),
        ("DateUpdated", "2024-05-02T10:00:00Z"),
        ("isOnline", "true"),
        ("isNotifiable", "false"),
    ]
}

/// One realistic body per documented event.
fn bodies() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut add = |event: &'static str, source: &'static str, extra: Vec<(&str, &str)>| {
        let mut pairs = common(event, source);
        pairs.extend(extra);
        out.push((event, encode(&pairs)));
    };
    add("onMessageAdd", "SDK", message_fields(false));
    add("onMessageAdded", "SMS", message_fields(true));
    let mut update = message_fields(true);
    update.push(("DateUpdated", "2024-05-01T10:05:00Z"));
    add("onMessageUpdate", "API", update.clone());
    add("onMessageUpdated", "API", update.clone());
    add("onMessageRemove", "SDK", update.clone());
    let mut removed = update;
    removed.push(("DateRemoved", "2024-05-01T10:06:00Z"));
    add("onMessageRemoved", "SDK", removed);
    add("onConversationAdd", "SMS", conversation_fields());
    let mut conv = conversation_fields();
    conv.push(("ConversationSid", CH));
    add("onConversationAdded", "SMS", conv.clone());
    conv.push(("DateUpdated", "2024-05-01T12:00:00Z"));
    add("onConversationUpdate", "API", conv.clone());
    add("onConversationUpdated", "API", conv.clone());
    add("onConversationRemove", "API", conv.clone());
    conv.push(("DateRemoved", "2024-05-01T13:00:00Z"));
    add("onConversationRemoved", "API", conv);
    add(
        "onConversationStateUpdated",
        "API",
        vec![
            ("ConversationSid", CH),
            ("StateFrom", "active"),
            ("StateTo", "inactive"),
            ("Reason", "TIMER"),
            ("DateUpdated", "2024-05-01T14:00:00Z"),
        ],
    );
    add(
        "onDeliveryUpdated",
        "API",
        vec![
            ("ConversationSid", CH),
            ("MessageSid", IM),
            ("ChannelMessageSid", "SM0123456789abcdef0123456789abcdef"),
            ("ParticipantSid", MB),
            ("DeliveryReceiptSid", DY),
            ("Status", "read"),
            ("ErrorCode", ""),
            ("DateCreated", "2024-05-01T10:00:00Z"),
            ("DateUpdated", "2024-05-01T10:00:01Z"),
        ],
    );
    let mut add_part = participant_fields();
    add_part.retain(|(k, _)| *k != "ParticipantSid");
    add("onParticipantAdd", "API", add_part);
    for e in [
        "onParticipantAdded",
        "onParticipantUpdate",
        "onParticipantUpdated",
        "onParticipantRemove",
        "onParticipantRemoved",
    ] {
        add(e, "SDK", participant_fields());
    }
    for e in ["onUserAdded", "onUserUpdate", "onUserUpdated"] {
        add(e, "SDK", user_fields());
    }
    out
}

#[test]
fn every_documented_event_decodes_to_its_variant() {
    let bodies = bodies();
    let covered: BTreeSet<&str> = bodies.iter().map(|(e, _)| *e).collect();
    let known: BTreeSet<&str> = WebhookEvent::KNOWN_EVENT_TYPES.iter().copied().collect();
    assert_eq!(covered, known, "a body for every known event, and no other");
    assert_eq!(known.len(), 23);
    for (event, body) in &bodies {
        let decoded =
            WebhookEvent::from_form(&form(body)).unwrap_or_else(|e| panic!("{event}: {e}"));
        assert_eq!(decoded.event_type(), *event);
        assert!(
            !matches!(decoded, WebhookEvent::Unknown { .. }),
            "{event} decoded as Unknown"
        );
        assert_eq!(decoded.account_sid(), Some(AC), "{event}");
        assert_eq!(decoded.chat_service_sid(), Some(IS), "{event}");
        assert_eq!(
            decoded.is_pre_action(),
            !event.ends_with("ed"),
            "{event}: pre-action events are the present-tense ones"
        );
        if !event.starts_with("onUser") && *event != "onConversationAdd" {
            assert_eq!(decoded.conversation_sid(), Some(CH), "{event}");
        }
    }
}

#[test]
fn message_added_fields_are_typed() {
    let (_, body) = bodies()
        .into_iter()
        .find(|(e, _)| *e == "onMessageAdded")
        .unwrap();
    let WebhookEvent::MessageAdded(m) = WebhookEvent::from_form(&form(&body)).unwrap() else {
        panic!("not MessageAdded");
    };
    assert_eq!(m.message_sid, IM);
    assert_eq!(m.index, 42);
    assert_eq!(m.conversation_sid, CH);
    assert_eq!(m.body.as_deref(), Some("Hello ✓ & goodbye"));
    assert_eq!(m.author.as_deref(), Some("alice"));
    assert_eq!(m.source, Some(WebhookSource::Sms));
    assert_eq!(m.retry_count, Some(0));
    assert_eq!(m.client_identity.as_deref(), Some("alice"));
    assert_eq!(
        m.attributes,
        Some(serde_json::json!({"importance": "high"}))
    );
    let media = m.media.expect("media");
    assert_eq!(media.len(), 1);
    assert_eq!(
        media[0].sid.as_deref(),
        Some("ME0123456789abcdef0123456789abcdef")
    );
    assert_eq!(media[0].filename.as_deref(), Some("cat.png"));
    assert_eq!(media[0].content_type.as_deref(), Some("image/png"));
    assert_eq!(media[0].size, Some(51234));
    assert_eq!(
        m.date_created.map(|d| d.to_rfc3339()),
        Some("2024-05-01T10:00:00+00:00".to_string())
    );
}

#[test]
fn other_event_fields_are_typed() {
    let all = bodies();
    let get = |name: &str| {
        let (_, body) = all.iter().find(|(e, _)| *e == name).unwrap();
        WebhookEvent::from_form(&form(body)).unwrap()
    };
    let WebhookEvent::DeliveryUpdated(d) = get("onDeliveryUpdated") else {
        panic!()
    };
    assert_eq!(d.status, WebhookDeliveryStatus::Read);
    assert_eq!(d.delivery_receipt_sid, DY);
    assert_eq!(d.error_code, None, "an empty ErrorCode is no error code");
    let WebhookEvent::ConversationStateUpdated(s) = get("onConversationStateUpdated") else {
        panic!()
    };
    assert_eq!(s.state_from, Some(WebhookConversationState::Active));
    assert_eq!(s.state_to, WebhookConversationState::Inactive);
    assert_eq!(s.reason.as_deref(), Some("TIMER"));
    let WebhookEvent::UserUpdated(u) = get("onUserUpdated") else {
        panic!()
    };
    assert_eq!((u.is_online, u.is_notifiable), (Some(true), Some(false)));
    assert_eq!(u.user_sid, US);
    let WebhookEvent::ParticipantUpdated(p) = get("onParticipantUpdated") else {
        panic!()
    };
    assert_eq!(p.last_read_message_index, Some(7));
    assert_eq!(p.role_sid.as_deref(), Some(RL));
    let WebhookEvent::ConversationAdd(c) = get("onConversationAdd") else {
        panic!()
    };
    assert_eq!(c.messaging_binding_address, ["+15558675310"]);
    assert_eq!(c.state, Some(WebhookConversationState::Active));
}

#[test]
fn the_default_service_sends_the_same_type() {
    // A default-scope event may come without ChatServiceSid; it is still the same variant.
    let pairs = encode(&[
        ("EventType", "onMessageAdded"),
        ("AccountSid", AC),
        ("ConversationSid", CH),
        ("MessageSid", IM),
        ("Index", "0"),
        ("Body", "hi"),
        ("Author", "dave"),
    ]);
    let e = WebhookEvent::from_form(&form(&pairs)).unwrap();
    assert!(matches!(e, WebhookEvent::MessageAdded(_)));
    assert_eq!(e.chat_service_sid(), None);
}

/// The fields Twilio's Conversations webhooks page lists that an earlier version of the events
/// spec lacked or spelled otherwise (sources in docs/twilio-facts.md, "Webhook events").
#[test]
fn fields_from_twilios_webhook_tables() {
    let decode = |pairs: &[(&str, &str)]| WebhookEvent::from_form(&form(&encode(pairs))).unwrap();
    // A group MMS conversation created from an incoming message: several addresses, each its
    // own form field of the same name; the first message's text and media.
    let e = decode(&[
        ("EventType", "onConversationAdd"),
        ("AccountSid", AC),
        ("ChatServiceSid", IS),
        ("Source", "SMS"),
        ("MessagingBinding.Address", "+15550000001"),
        ("MessagingBinding.Address", "+15550000002"),
        ("MessagingBinding.AuthorAddress", "+15550000001"),
        ("MessageBody", "hi all"),
        (
            "Media",
            r#"[{"MediaSid":"ME0123456789abcdef0123456789abcdef","ContentType":"image/png"}]"#,
        ),
        ("State", "initializing"),
    ]);
    let WebhookEvent::ConversationAdd(c) = e else {
        panic!("{e:?}")
    };
    assert_eq!(
        c.messaging_binding_address,
        ["+15550000001", "+15550000002"]
    );
    assert_eq!(c.message_body.as_deref(), Some("hi all"));
    let media = c.media.expect("media decoded");
    assert_eq!(
        media[0].sid.as_deref(),
        Some("ME0123456789abcdef0123456789abcdef")
    );
    assert_eq!(media[0].filename, None);
    assert_eq!(c.state, Some(WebhookConversationState::Initializing));

    let e = decode(&[
        ("EventType", "onConversationAdded"),
        ("AccountSid", AC),
        ("ConversationSid", CH),
        ("DateCreated", "2024-05-01T10:00:00Z"),
        ("DateUpdated", "2024-05-01T10:00:02Z"),
    ]);
    let WebhookEvent::ConversationAdded(c) = e else {
        panic!("{e:?}")
    };
    assert_eq!(c.date_updated.map(|d| d.timestamp()), Some(1_714_557_602));
    assert!(c.messaging_binding_address.is_empty());

    let e = decode(&[
        ("EventType", "onConversationStateUpdated"),
        ("AccountSid", AC),
        ("ConversationSid", CH),
        ("StateFrom", "initializing"),
        ("StateTo", "active"),
        ("Reason", "EVENT"),
        ("StateUpdated", "2024-05-01T10:00:03Z"),
    ]);
    let WebhookEvent::ConversationStateUpdated(s) = e else {
        panic!("{e:?}")
    };
    assert_eq!(s.state_from, Some(WebhookConversationState::Initializing));
    assert_eq!(s.state_to, WebhookConversationState::Active);
    assert_eq!(s.state_updated.map(|d| d.timestamp()), Some(1_714_557_603));

    for (wire, expected) in [
        ("SMS", WebhookBindingType::Sms),
        ("CHAT", WebhookBindingType::Chat),
        ("WHATSAPP", WebhookBindingType::Whatsapp),
        ("RCS", WebhookBindingType::Unknown("RCS".into())),
    ] {
        let e = decode(&[
            ("EventType", "onParticipantAdded"),
            ("AccountSid", AC),
            ("ConversationSid", CH),
            ("ParticipantSid", MB),
            ("MessagingBinding.Type", wire),
            ("MessagingBinding.Address", "+15550000003"),
        ]);
        let WebhookEvent::ParticipantAdded(p) = e else {
            panic!("{e:?}")
        };
        assert_eq!(p.messaging_binding_type, Some(expected));
        assert_eq!(p.messaging_binding_address, ["+15550000003"]);
    }

    // `isOnline`/`isNotifiable` as documented, the capitalised spelling as well; the
    // documented one wins when both come.
    let user = |flags: &[(&'static str, &'static str)]| {
        let mut pairs = vec![
            ("EventType", "onUserUpdated"),
            ("AccountSid", AC),
            ("UserSid", US),
        ];
        pairs.extend_from_slice(flags);
        let WebhookEvent::UserUpdated(u) = decode(&pairs) else {
            panic!()
        };
        (u.is_online, u.is_notifiable)
    };
    assert_eq!(
        user(&[("isOnline", "true"), ("isNotifiable", "false")]),
        (Some(true), Some(false))
    );
    assert_eq!(
        user(&[("IsOnline", "false"), ("IsNotifiable", "true")]),
        (Some(false), Some(true))
    );
    assert_eq!(
        user(&[("isOnline", "true"), ("IsOnline", "false")]),
        (Some(true), None)
    );
    assert_eq!(user(&[]), (None, None));
}

fn replace(body: &str, field: &str, value: Option<&str>) -> Vec<(String, String)> {
    let mut pairs = form(body);
    pairs.retain(|(k, _)| k != field);
    if let Some(v) = value {
        pairs.push((field.to_string(), v.to_string()));
    }
    pairs
}

#[test]
fn malformed_known_events_name_the_field() {
    let (_, body) = bodies()
        .into_iter()
        .find(|(e, _)| *e == "onMessageAdded")
        .unwrap();
    let cases: &[(&str, Option<&str>, EventError)] = &[
        (
            "MessageSid",
            None,
            EventError::MissingField {
                event: "onMessageAdded",
                field: "MessageSid",
            },
        ),
        (
            "Index",
            Some(""),
            EventError::MissingField {
                event: "onMessageAdded",
                field: "Index",
            },
        ),
        (
            "Index",
            Some("forty-two"),
            EventError::InvalidField {
                event: "onMessageAdded",
                field: "Index",
                expected: "an integer",
            },
        ),
        (
            "ConversationSid",
            Some("IM0123456789abcdef0123456789abcdef"),
            EventError::InvalidField {
                event: "onMessageAdded",
                field: "ConversationSid",
                expected: "a SID of its kind (prefix and 32 hex digits)",
            },
        ),
        (
            "ConversationSid",
            Some("CH0123"),
            EventError::InvalidField {
                event: "onMessageAdded",
                field: "ConversationSid",
                expected: "a SID of its kind (prefix and 32 hex digits)",
            },
        ),
        (
            "DateCreated",
            Some("yesterday"),
            EventError::InvalidField {
                event: "onMessageAdded",
                field: "DateCreated",
                expected: "an ISO 8601 date-time",
            },
        ),
        (
            "Attributes",
            Some("{not json"),
            EventError::InvalidField {
                event: "onMessageAdded",
                field: "Attributes",
                expected: "JSON of the documented shape",
            },
        ),
        (
            "Media",
            // Not a list of media objects (an item without a SID is fine: Twilio documents no
            // keys for them, so none is required).
            Some(r#"{"Sid":"ME0123456789abcdef0123456789abcdef"}"#),
            EventError::InvalidField {
                event: "onMessageAdded",
                field: "Media",
                expected: "JSON of the documented shape",
            },
        ),
        (
            "RetryCount",
            Some("1.5"),
            EventError::InvalidField {
                event: "onMessageAdded",
                field: "RetryCount",
                expected: "an integer",
            },
        ),
    ];
    for (field, value, expected) in cases {
        let got = WebhookEvent::from_form(&replace(&body, field, *value));
        assert_eq!(got.as_ref().err(), Some(expected), "{field} = {value:?}");
        assert!(got.unwrap_err().to_string().contains(field));
    }
    let (_, user) = bodies()
        .into_iter()
        .find(|(e, _)| *e == "onUserUpdated")
        .unwrap();
    assert_eq!(
        WebhookEvent::from_form(&replace(&user, "isOnline", Some("yes"))),
        Err(EventError::InvalidField {
            event: "onUserUpdated",
            field: "isOnline",
            expected: "true or false"
        })
    );
    assert_eq!(
        WebhookEvent::from_form(&form("AccountSid=AC1&Body=x")),
        Err(EventError::MissingEventType)
    );
    assert_eq!(
        WebhookEvent::from_form(&form("EventType=&Body=x")),
        Err(EventError::MissingEventType)
    );
}

#[test]
fn unknown_events_and_values_are_kept() {
    let body = "EventType=onMessageReacted&AccountSid=AC0123456789abcdef0123456789abcdef&Reaction=%F0%9F%91%8D&ConversationSid=CH0123456789abcdef0123456789abcdef";
    let e = WebhookEvent::from_form(&form(body)).unwrap();
    let WebhookEvent::Unknown { event_type, fields } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(event_type, "onMessageReacted");
    assert_eq!(fields, &form(body));
    assert!(fields.contains(&("Reaction".to_string(), "👍".to_string())));
    assert_eq!(e.conversation_sid(), Some(CH));
    assert!(!e.is_pre_action());
    // A new Source value and an unknown extra field do not break a known event.
    let (_, body) = bodies()
        .into_iter()
        .find(|(e, _)| *e == "onMessageAdd")
        .unwrap();
    let mut pairs = replace(&body, "Source", Some("TELEGRAM"));
    pairs.push(("SomethingNew".into(), "1".into()));
    let WebhookEvent::MessageAdd(m) = WebhookEvent::from_form(&pairs).unwrap() else {
        panic!()
    };
    assert_eq!(m.source, Some(WebhookSource::Unknown("TELEGRAM".into())));
}

proptest! {
    // 512 cases, or `PROPTEST_CASES` (docs/fuzzing.md); no failure files are written.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Arbitrary fields, under known or unknown event types, decode or fail with a value.
    #[test]
    fn arbitrary_fields_never_panic(
        event in prop_oneof![
            proptest::sample::select(WebhookEvent::KNOWN_EVENT_TYPES.to_vec()).prop_map(String::from),
            ".{0,12}",
        ],
        pairs in proptest::collection::vec(
            (prop_oneof![
                Just("Index".to_string()), Just("ConversationSid".to_string()),
                Just("DateCreated".to_string()), Just("Attributes".to_string()),
                Just("Media".to_string()), Just("isOnline".to_string()),
                Just("MessageSid".to_string()), Just("UserSid".to_string()),
                ".{0,10}",
            ], ".{0,40}"),
            0..12,
        ),
    ) {
        let mut fields = vec![("EventType".to_string(), event)];
        fields.extend(pairs);
        let _ = WebhookEvent::from_form(&fields);
    }

    /// Raw bytes as a form body never panic either.
    #[test]
    fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..200)) {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(&body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let _ = WebhookEvent::from_form(&pairs);
    }

    /// Cutting a realistic body anywhere never panics.
    #[test]
    fn cut_bodies_never_panic(which in 0usize..23, cut in 0usize..2000) {
        let all = bodies();
        let (_, body) = &all[which % all.len()];
        let cut = cut.min(body.len());
        let _ = WebhookEvent::from_form(&form(&body[..cut]));
    }
}
