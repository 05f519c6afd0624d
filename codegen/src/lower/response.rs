//! What an operation answers: its success (or redirect) statuses and their bodies read into a
//! [`RawResponse`]: nothing, one type, a list page (paged by link or by token), an accepted
//! long-running operation, or one outcome per status where the bodies differ. The runtime's
//! [`Conventions`] say which members and parameters mark the last three.

use super::schema::lower_schema;
use crate::error::{Ptr, Result};
use crate::ir::*;
use crate::load::Resolver;
use crate::raw::{AcceptedBody, RawOutcome, RawParam, RawResponse, RawTy};
use crate::Conventions;
use openapiv3::{ReferenceOr, StatusCode};

/// The response of `op` (at `optr`), whose parameters are `params`.
pub(super) fn extract_response<'a>(
    r: &Resolver<'a>,
    op: &'a openapiv3::Operation,
    optr: &Ptr,
    conventions: &Conventions<'_>,
    params: &[RawParam],
) -> Result<RawResponse> {
    let in_class = |code: &StatusCode, class: u16| match code {
        StatusCode::Code(c) => (class * 100..class * 100 + 100).contains(c),
        StatusCode::Range(r) => *r == class,
    };
    let class = if op.responses.responses.keys().any(|c| in_class(c, 2)) {
        2
    } else if op.responses.responses.keys().any(|c| in_class(c, 3)) {
        // Redirect-only (an OAuth authorize step, a download link): the client returns the
        // target instead of following it.
        3
    } else {
        return Err(optr
            .join("responses")
            .err("operation has no 2xx or 3xx response"));
    };
    // Every status of the class, with its JSON body if it has one.
    let mut answers: Vec<(&StatusCode, Option<RawBody>, Ptr)> = Vec::new();
    for (code, resp) in &op.responses.responses {
        if !in_class(code, class) {
            continue;
        }
        let rat = optr.join("responses").join(code);
        let (resp, rat) = r.response(resp, &rat)?;
        let Some((ct, media)) = resp.content.iter().find(|(ct, _)| ct.contains("json")) else {
            if let Some((ct, _)) = resp.content.iter().next() {
                return Err(rat
                    .join("content")
                    .join(ct)
                    .err(format!("response content type `{ct}` is not supported")));
            }
            answers.push((code, None, rat));
            continue;
        };
        let mat = rat.join("content").join(ct);
        let body = match &media.schema {
            None => RawBody {
                ty: RawTy::Json,
                component: None,
            },
            Some(s) => {
                let component = match s {
                    ReferenceOr::Reference { reference } => {
                        reference.rsplit('/').next().map(str::to_string)
                    }
                    ReferenceOr::Item(_) => None,
                };
                let (s, sat) = r.schema(s, &mat.join("schema"))?;
                RawBody {
                    ty: lower_schema(r, s, &sat, 0)?,
                    component,
                }
            }
        };
        answers.push((code, Some(body), mat));
    }
    // The bodies that differ, each with where it was first met.
    let mut distinct: Vec<(&RawBody, &Ptr)> = Vec::new();
    for (_, body, at) in &answers {
        if let Some(body) = body {
            if !distinct.iter().any(|(b, _)| b.ty == body.ty) {
                distinct.push((body, at));
            }
        }
    }
    if class == 3 {
        if let [_, (_, second), ..] = distinct.as_slice() {
            return Err(second.err(format!(
                "this redirect response has a different schema from the one at #{}; one \
                 operation must answer one shape",
                distinct[0].1.as_str()
            )));
        }
        return Ok(RawResponse::Redirect(
            distinct.first().map(|(b, _)| b.ty.clone()),
        ));
    }
    let accepted = |code: &StatusCode, body: &RawBody| {
        *code == StatusCode::Code(202) && names_status_url(&body.ty, conventions)
    };
    match distinct.as_slice() {
        [] => Ok(RawResponse::Empty),
        [(body, _)] => {
            let statuses = answers.iter().filter(|(_, b, _)| b.is_some());
            if statuses.clone().all(|(code, _, _)| accepted(code, body)) {
                return Ok(RawResponse::Accepted(body.accepted()));
            }
            Ok(as_list(&body.ty, conventions, params)
                .unwrap_or_else(|| RawResponse::One(body.ty.clone())))
        }
        _ => {
            let mut outcomes = Vec::with_capacity(answers.len());
            for (code, body, at) in &answers {
                let StatusCode::Code(status) = code else {
                    return Err(at.err(
                        "a range of statuses among success answers that differ by status: \
                         each answer needs its own status to be told apart",
                    ));
                };
                let outcome = match body {
                    None => RawOutcome::Empty,
                    Some(body) if accepted(code, body) => RawOutcome::Accepted(body.accepted()),
                    Some(body) if as_list(&body.ty, conventions, params).is_some() => {
                        return Err(at.err(
                            "a list page among success answers that differ by status is not \
                             supported",
                        ))
                    }
                    Some(body) => RawOutcome::One(body.ty.clone()),
                };
                outcomes.push((*status, outcome));
            }
            Ok(RawResponse::Outcomes(outcomes))
        }
    }
}

/// A success answer's body as read: its type and the component it was reached through.
struct RawBody {
    ty: RawTy,
    component: Option<String>,
}

impl RawBody {
    fn accepted(&self) -> AcceptedBody {
        AcceptedBody {
            ty: self.ty.clone(),
            component: self.component.clone(),
        }
    }
}

/// Whether an object names where to poll it (the runtime's status URL member).
pub(super) fn names_status_url(ty: &RawTy, conventions: &Conventions<'_>) -> bool {
    let Some(member) = conventions.operation_status_url else {
        return false;
    };
    matches!(ty, RawTy::Object(fields) | RawTy::OpenObject { fields, .. }
        if fields.iter().any(|f| f.wire == member))
}

/// `{<key>: [item], meta: {...}}` is a list page. It pages by token when its `meta` has the
/// runtime's token member and the operation takes the runtime's token parameter in its query;
/// otherwise by the `next_page_url` link.
fn as_list(ty: &RawTy, conventions: &Conventions<'_>, params: &[RawParam]) -> Option<RawResponse> {
    let (RawTy::Object(fields) | RawTy::OpenObject { fields, .. }) = ty else {
        return None;
    };
    if fields.len() != 2 {
        return None;
    }
    let meta = fields.iter().find(|f| f.wire == "meta")?;
    let items = fields.iter().find(|f| f.wire != "meta")?;
    let RawTy::Array(item) = &items.ty else {
        return None;
    };
    let meta_members = match &meta.ty {
        RawTy::Object(members)
        | RawTy::OpenObject {
            fields: members, ..
        } => members.as_slice(),
        _ => &[],
    };
    let paging = conventions
        .page_token
        .filter(|token| meta_members.iter().any(|m| m.wire == token.member))
        .filter(|token| {
            params
                .iter()
                .any(|p| p.location == Location::Query && p.wire == token.parameter)
        })
        .map_or(Paging::Link, |token| Paging::Token {
            parameter: token.parameter.to_string(),
        });
    Some(RawResponse::List {
        key: items.wire.clone(),
        item: (**item).clone(),
        paging,
    })
}
