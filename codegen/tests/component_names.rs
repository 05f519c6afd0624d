//! How types are named: after the place that uses them (`ThingColour` for a thing's `colour`),
//! except a component schema the spec uses under several such names, or under a name another
//! type already holds, which is one type named after the component. Specs that give every
//! place a component of its own (Twilio's Conversations v1) keep their place names.

use codegen::ir::{Api, Node, Operation, Ty};
use codegen::Conventions;

const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Things, version: '1'}
servers: [{url: 'https://things.example.test'}]
paths:
  /v1/Things:
    post:
      operationId: CreateThing
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                colour: {$ref: '#/components/schemas/Colour'}
                owner: {$ref: '#/components/schemas/NewOwner'}
                addresses: {type: array, items: {$ref: '#/components/schemas/Address'}}
      responses:
        '201':
          description: made
          content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}
  /v1/Gadgets/{Sid}:
    get:
      operationId: FetchGadget
      parameters:
      - {name: Sid, in: path, required: true, schema: {type: string}}
      - {name: Via, in: query, schema: {$ref: '#/components/schemas/Channel'}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Gadget'}}}
components:
  schemas:
    Thing:
      type: object
      required: [sid]
      properties:
        sid: {type: string}
        colour: {$ref: '#/components/schemas/Colour'}
        state: {$ref: '#/components/schemas/thing_enum_state'}
        owner:
          type: object
          properties:
            name: {type: string}
            since: {type: string}
        home:
          nullable: true
          allOf:
          - $ref: '#/components/schemas/Address'
    Gadget:
      type: object
      properties:
        sid: {type: string}
        state: {$ref: '#/components/schemas/gadget_enum_state'}
        reachedVia: {$ref: '#/components/schemas/Channel'}
    Address:
      type: object
      properties:
        line: {type: string}
        channel: {$ref: '#/components/schemas/Channel'}
    NewOwner:
      type: object
      properties:
        name: {type: string}
    Channel: {type: string, enum: [SMS, CHAT]}
    Colour: {type: string, enum: [red, blue]}
    thing_enum_state: {type: string, enum: [open, closed]}
    gadget_enum_state: {type: string, enum: [open, closed]}
"#;

fn lowered() -> Api {
    codegen::lower::lower(
        &codegen::load::parse(SPEC).unwrap(),
        &Conventions::default(),
    )
    .unwrap()
}

fn field_ty(api: &Api, model: &str, wire: &str) -> Ty {
    let model = api
        .models
        .get(model)
        .unwrap_or_else(|| panic!("no model {model}: {:?}", api.models.keys()));
    model
        .fields
        .iter()
        .find(|f| f.wire == wire)
        .unwrap_or_else(|| panic!("{} has no {wire}", model.name))
        .ty
        .clone()
}

fn ops(node: &Node) -> Vec<&Operation> {
    let mut out: Vec<&Operation> = node.ops.iter().collect();
    for child in &node.children {
        out.extend(ops(child));
    }
    out
}

fn param_ty(api: &Api, op: &str, wire: &str) -> Ty {
    let op = ops(&api.root)
        .into_iter()
        .find(|o| o.variants.primary().operation_id == op)
        .unwrap_or_else(|| panic!("no operation {op}"));
    op.params
        .iter()
        .find(|p| p.wire == wire)
        .unwrap_or_else(|| panic!("no parameter {wire}"))
        .ty
        .clone()
}

#[test]
fn a_component_used_under_several_names_is_one_type_named_after_it() {
    let api = lowered();
    // `Channel` is an address's channel, a gadget's `reachedVia` and a query parameter.
    let channel = Ty::Enum("Channel".into());
    assert_eq!(field_ty(&api, "Address", "channel"), channel);
    assert_eq!(field_ty(&api, "Gadget", "reachedVia"), channel);
    assert_eq!(param_ty(&api, "FetchGadget", "Via"), channel);
    // `Address` is a thing's `home` (through `allOf` with `nullable` beside it) and the items
    // of a request's `addresses`.
    let address = Ty::Model("Address".into());
    assert_eq!(field_ty(&api, "Thing", "home"), address);
    assert_eq!(
        param_ty(&api, "CreateThing", "addresses"),
        Ty::Array(Box::new(address))
    );
    for gone in [
        "AddressChannel",
        "GadgetReachedVia",
        "GadgetVia",
        "ThingHome",
    ] {
        assert!(
            !api.enums.contains_key(gone) && !api.models.contains_key(gone),
            "{gone} is still defined"
        );
    }
}

#[test]
fn a_component_used_under_one_name_keeps_the_name_of_its_place() {
    let api = lowered();
    // `Colour` is a thing's colour in the answer and in the request: `ThingColour` both times.
    assert_eq!(
        field_ty(&api, "Thing", "colour"),
        Ty::Enum("ThingColour".into())
    );
    assert_eq!(
        param_ty(&api, "CreateThing", "colour"),
        Ty::Enum("ThingColour".into())
    );
    assert!(!api.enums.contains_key("Colour"));
}

#[test]
fn a_component_whose_place_name_is_taken_is_named_after_itself() {
    let api = lowered();
    // The answer's `owner` (inline, two fields) holds `ThingOwner`; the request's owner is
    // the `NewOwner` component, of other fields: its own name, not `ThingOwnerInput`.
    assert_eq!(
        field_ty(&api, "Thing", "owner"),
        Ty::Model("ThingOwner".into())
    );
    assert_eq!(
        param_ty(&api, "CreateThing", "owner"),
        Ty::Model("NewOwner".into())
    );
    assert!(!api.models.contains_key("ThingOwnerInput"));
}

#[test]
fn a_component_per_place_keeps_one_type_per_place() {
    // Twilio's Conversations v1 gives each resource its own enum component, equal in values:
    // they stay two types, named after their places, as before.
    let api = lowered();
    assert_eq!(
        field_ty(&api, "Thing", "state"),
        Ty::Enum("ThingState".into())
    );
    assert_eq!(
        field_ty(&api, "Gadget", "state"),
        Ty::Enum("GadgetState".into())
    );
}

#[test]
fn the_namespace_every_component_name_shares_is_left_out() {
    // Twilio's newer files name components `conversations.v2.channel`: the type is `Channel`.
    let spec = r#"
openapi: 3.0.3
info: {title: Gizmos, version: '3'}
servers: [{url: 'https://gizmos.example.test'}]
paths:
  /v3/Gizmos/{id}:
    get:
      operationId: FetchGizmo
      parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      - {name: tint, in: query, schema: {$ref: '#/components/schemas/gizmos.v3.colour'}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/gizmos.v3.gizmo'}}}
components:
  schemas:
    gizmos.v3.gizmo:
      type: object
      properties:
        body: {$ref: '#/components/schemas/gizmos.v3.colour'}
    gizmos.v3.colour: {type: string, enum: [red, blue]}
"#;
    let api = codegen::lower::lower(
        &codegen::load::parse(spec).unwrap(),
        &Conventions::default(),
    )
    .unwrap();
    assert_eq!(field_ty(&api, "Gizmo", "body"), Ty::Enum("Colour".into()));
    assert_eq!(
        param_ty(&api, "FetchGizmo", "tint"),
        Ty::Enum("Colour".into())
    );
}
