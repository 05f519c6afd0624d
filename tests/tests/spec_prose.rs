//! Every property and parameter in `spec/` says what it holds.
//!
//! The generator turns a property's description into the field's doc comment; without one the
//! doc only repeats the field name, which tells a reader nothing. This test walks the spec and
//! names, by JSON pointer, each property or parameter whose description is missing or only
//! restates its name (`friendly_name: "Friendly name."`).

use serde_yaml::Value;
use std::path::Path;

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

/// One JSON pointer segment, escaped as RFC 6901 wants.
fn seg(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Lower-case words of `text`, without the filler words that don't add meaning.
fn words(text: &str) -> Vec<String> {
    // split snake_case and CamelCase names into words as well as prose
    let mut spaced = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            spaced.push(' ');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        spaced.push(if c.is_ascii_alphanumeric() { c } else { ' ' });
    }
    spaced
        .split_whitespace()
        .map(str::to_lowercase)
        .filter(|w| {
            !matches!(
                w.as_str(),
                "the" | "a" | "an" | "of" | "this" | "its" | "is"
            )
        })
        .collect()
}

/// Whether `description` says nothing beyond the name itself.
fn repeats_name(name: &str, description: &str) -> bool {
    words(description) == words(name)
}

struct Walker<'a> {
    spec: &'a Value,
    bad: Vec<String>,
}

impl Walker<'_> {
    /// The target of a local `$ref` (`#/components/...`), if it resolves.
    fn resolve(&self, reference: &str) -> Option<&Value> {
        let mut node = self.spec;
        for part in reference.strip_prefix("#/")?.split('/') {
            let key = part.replace("~1", "/").replace("~0", "~");
            node = node.get(key.as_str())?;
        }
        Some(node)
    }

    fn check(&mut self, pointer: &str, name: &str, node: &Value) {
        // A `$ref` property takes its description from the schema it points to (OpenAPI 3.0
        // ignores siblings of `$ref`), so that is where the text must be.
        let node = match node.get("$ref").and_then(Value::as_str) {
            Some(r) => match self.resolve(r) {
                Some(target) => target,
                None => {
                    self.bad.push(format!("{pointer} (unresolved $ref {r})"));
                    return;
                }
            },
            None => node,
        };
        match node.get("description").and_then(Value::as_str) {
            None => self.bad.push(format!("{pointer}: no description")),
            Some(d) if d.trim().is_empty() => {
                self.bad.push(format!("{pointer}: empty description"))
            }
            Some(d) if repeats_name(name, d) => self.bad.push(format!(
                "{pointer}: description {d:?} only repeats the name"
            )),
            Some(_) => {}
        }
    }

    fn schema(&mut self, pointer: &str, node: &Value) {
        if let Some(props) = node.get("properties").and_then(Value::as_mapping) {
            for (k, v) in props {
                let name = k.as_str().unwrap_or_default();
                let at = format!("{pointer}/properties/{}", seg(name));
                self.check(&at, name, v);
                self.schema(&at, v);
            }
        }
        if let Some(items) = node.get("items") {
            self.schema(&format!("{pointer}/items"), items);
        }
    }

    fn parameters(&mut self, pointer: &str, list: Option<&Value>) {
        let Some(list) = list.and_then(Value::as_sequence) else {
            return;
        };
        for (i, p) in list.iter().enumerate() {
            // shared parameters are checked once, under components/parameters
            if p.get("$ref").is_some() {
                continue;
            }
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            self.check(&format!("{pointer}/parameters/{i}"), name, p);
        }
    }

    fn content(&mut self, pointer: &str, holder: &Value) {
        if let Some(content) = holder.get("content").and_then(Value::as_mapping) {
            for (ct, media) in content {
                let at = format!(
                    "{pointer}/content/{}/schema",
                    seg(ct.as_str().unwrap_or(""))
                );
                if let Some(schema) = media.get("schema") {
                    self.schema(&at, schema);
                }
            }
        }
    }

    fn run(mut self) -> Vec<String> {
        let spec = self.spec;
        if let Some(params) = spec["components"]["parameters"].as_mapping() {
            for (k, p) in params {
                let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                let at = format!("/components/parameters/{}", seg(k.as_str().unwrap_or("")));
                self.check(&at, name, p);
            }
        }
        if let Some(schemas) = spec["components"]["schemas"].as_mapping() {
            for (k, s) in schemas {
                self.schema(
                    &format!("/components/schemas/{}", seg(k.as_str().unwrap_or(""))),
                    s,
                );
            }
        }
        if let Some(paths) = spec["paths"].as_mapping() {
            for (path, item) in paths {
                let pat = format!("/paths/{}", seg(path.as_str().unwrap_or("")));
                self.parameters(&pat, item.get("parameters"));
                let Some(ops) = item.as_mapping() else {
                    continue;
                };
                for (method, op) in ops {
                    let method = method.as_str().unwrap_or_default();
                    if method == "parameters" {
                        continue;
                    }
                    let oat = format!("{pat}/{method}");
                    self.parameters(&oat, op.get("parameters"));
                    if let Some(body) = op.get("requestBody") {
                        self.content(&format!("{oat}/requestBody"), body);
                    }
                    if let Some(responses) = op.get("responses").and_then(Value::as_mapping) {
                        for (code, r) in responses {
                            let code = match code {
                                Value::Number(n) => n.to_string(),
                                other => other.as_str().unwrap_or_default().to_string(),
                            };
                            self.content(&format!("{oat}/responses/{code}"), r);
                        }
                    }
                }
            }
        }
        self.bad
    }
}

/// Pointers of every property/parameter in `spec` that lacks a real description.
fn undescribed(spec: &Value) -> Vec<String> {
    Walker {
        spec,
        bad: Vec::new(),
    }
    .run()
}

#[test]
fn every_property_and_parameter_of_our_spec_is_described() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let spec = load(&root.join("spec/conversations_v1.yaml"));
    let bad = undescribed(&spec);
    assert!(
        bad.is_empty(),
        "{} properties/parameters say nothing beyond their name:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// The checker itself finds each kind of gap, in every place it looks, by pointer.
#[test]
fn the_check_names_each_gap_by_pointer() {
    let spec: Value = serde_yaml::from_str(
        r##"
paths:
  /v1/Things/{Sid}:
    parameters:
    - name: Sid
      in: path
    post:
      parameters:
      - $ref: '#/components/parameters/Size'
      - name: Order
        in: query
        description: The order.
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              properties:
                FriendlyName:
                  description: Friendly name.
                Colour:
                  description: Paint colour, as a CSS name such as `teal`.
      responses:
        '200':
          content:
            application/json:
              schema:
                properties:
                  things:
                    type: array
                    items:
                      properties:
                        date_created:
                          description: '`date_created`.'
components:
  parameters:
    Size:
      name: PageSize
      in: query
      description: '   '
  schemas:
    Thing:
      properties:
        sid:
          type: string
        state:
          $ref: '#/components/schemas/State'
        kind:
          $ref: '#/components/schemas/Kind'
        gone:
          $ref: '#/components/schemas/Missing'
    State:
      type: string
      description: Where the thing is in its life, `open` or `closed`.
    Kind:
      type: string
"##,
    )
    .unwrap();
    let bad = undescribed(&spec);
    let expected = [
        "/components/parameters/Size: empty description",
        "/components/schemas/Thing/properties/sid: no description",
        "/components/schemas/Thing/properties/kind: no description",
        "/components/schemas/Thing/properties/gone (unresolved $ref #/components/schemas/Missing)",
        "/paths/~1v1~1Things~1{Sid}/parameters/0: no description",
        "/paths/~1v1~1Things~1{Sid}/post/parameters/1: description \"The order.\" only repeats the name",
        "/paths/~1v1~1Things~1{Sid}/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/FriendlyName: description \"Friendly name.\" only repeats the name",
        "/paths/~1v1~1Things~1{Sid}/post/responses/200/content/application~1json/schema/properties/things: no description",
        "/paths/~1v1~1Things~1{Sid}/post/responses/200/content/application~1json/schema/properties/things/items/properties/date_created: description \"`date_created`.\" only repeats the name",
    ];
    assert_eq!(bad, expected);
}

#[test]
fn a_name_restated_is_not_a_description() {
    assert!(repeats_name("friendly_name", "The friendly name."));
    assert!(repeats_name("FriendlyName", "`friendly_name`"));
    assert!(repeats_name("date_created", "Date created"));
    assert!(!repeats_name(
        "date_created",
        "Time this message was created, ISO 8601 in UTC."
    ));
    assert!(!repeats_name(
        "sid",
        "This role's own SID: `RL` and 32 hex digits."
    ));
}

/// The `X-Twilio-Webhook-Enabled` header says what Twilio does with it: a REST action calls
/// webhooks only when the header is `true` (docs/twilio-facts.md, "Answers to webhooks"). An
/// earlier wording had it backwards ("`false` keeps this request from triggering webhooks").
#[test]
fn webhook_enabled_header_says_what_twilio_does() {
    let spec = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/conversations_v1.yaml"));
    let param = &spec["components"]["parameters"]["WebhookEnabled"];
    assert_eq!(param["name"].as_str(), Some("X-Twilio-Webhook-Enabled"));
    let text = param["description"].as_str().unwrap_or_default();
    assert!(
        text.contains("no webhooks unless this header is `true`"),
        "{text}"
    );
    let generated = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../conversations-api/src/generated/conversation_message.rs"),
    )
    .unwrap();
    assert!(!generated.contains("keep this request from triggering webhooks"));
}
