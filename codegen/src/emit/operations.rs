//! Operations: the handle method that starts a request ([`op_starter`]) and the request
//! builder it returns ([`builder`]), one per operation.

use super::params::param_value;
use super::runtime::{
    ANSWERED, ERROR, METHOD, OPERATION, OUTCOME, PAGE, REDIRECT, REQUEST, RESPONSE, SCOPE, STREAM,
};
use super::scaffold::{constructor, ctx_for, impl_blocks, struct_def, type_in, Ctx};
use super::text::{doc, ident};
use super::types::{param_scope_note, rust_ty};
use crate::ir::{
    Method, Operation, OutcomeBody, Paging, Param, RequestBody, ResponseKind, ScopeNames, Scoped,
    Scopes, Variant,
};
use proc_macro2::TokenStream;
use quote::quote;

fn method_tokens(m: Method) -> TokenStream {
    match m {
        Method::Get => quote!(#METHOD::GET),
        Method::Post => quote!(#METHOD::POST),
        Method::Put => quote!(#METHOD::PUT),
        Method::Patch => quote!(#METHOD::PATCH),
        Method::Delete => quote!(#METHOD::DELETE),
    }
}

fn op_doc(op: &Operation) -> String {
    if op.doc.is_empty() {
        format!("`{}`.", op.variants.primary().operation_id)
    } else {
        op.doc.clone()
    }
}

fn op_paths_doc(op: &Operation) -> String {
    let mut parts = Vec::new();
    for (_, v) in op.variants.iter() {
        parts.push(format!(
            "`{} {}` (`{}`)",
            op.method.as_str(),
            v.path,
            v.operation_id
        ));
    }
    format!("Sends {}.", parts.join(" or "))
}

/// The handle method that starts an operation's builder.
pub(crate) fn op_starter(op: &Operation, ctx: Ctx, names: &ScopeNames) -> TokenStream {
    let name = ident(&op.name);
    let builder = ident(&op.builder);
    let generic = op.scopes() == Scopes::Both;
    let ret = type_in(&op.builder, generic, ctx, names);
    let method = method_tokens(op.method);
    // Each scope's own value of a per-variant fact, picked by the scope type where they differ.
    let per_scope = |fact: fn(&Variant) -> &str| match &op.variants {
        Scoped::Both(both) if fact(&both.top) != fact(&both.item) => {
            let (top, item) = (fact(&both.top), fact(&both.item));
            quote!(<S as #SCOPE>::pick(#top, #item))
        }
        one => {
            let v = fact(one.primary());
            quote!(#v)
        }
    };
    let template = per_scope(|v| &v.path);
    // Text after the last segment (`.json`) is part of every request's path.
    let node = if op.variants.iter().all(|(_, v)| v.trailing.is_empty()) {
        quote!(self.node)
    } else {
        let trailing = per_scope(|v| &v.trailing);
        quote!(self.node.with_trailing(#trailing))
    };
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let mut args = Vec::new();
    let mut sets = Vec::new();
    match &op.body {
        RequestBody::Json { media_type } => sets.push(quote!(req.json_media_type(#media_type);)),
        RequestBody::Binary { media_type } => {
            sets.push(quote!(req.binary_media_type(#media_type);))
        }
        // A form is sent as its parameters are set.
        RequestBody::None | RequestBody::Form => {}
    }
    if let ResponseKind::List {
        paging: Paging::Token { parameter },
        ..
    } = &op.response
    {
        sets.push(quote!(req.token_paging(#parameter);));
    }
    if let Some(header) = &op.idempotency_key {
        sets.push(quote!(req.idempotency_key_header(#header);));
    }
    for p in &required {
        let v = ident(&p.rust);
        let (ty, expr, setter) = param_value(p, &v);
        let wire = &p.wire;
        args.push(quote!(#v: #ty));
        sets.push(quote!(req.#setter(#wire, #expr);));
    }
    let mut paragraphs = vec![op_doc(op), op_paths_doc(op)];
    if let Some(header) = &op.idempotency_key {
        paragraphs.push(idempotency_doc(header));
    }
    if !required.is_empty() {
        let list: Vec<String> = required
            .iter()
            .map(|p| {
                format!(
                    "`{}` ({})",
                    crate::names::bare(&p.rust),
                    if p.doc.is_empty() {
                        p.wire.as_str()
                    } else {
                        p.doc.as_str()
                    }
                )
            })
            .collect();
        paragraphs.push(format!("Required: {}.", list.join("; ")));
    }
    let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    let d = doc(&refs);
    let mutability = if sets.is_empty() {
        quote!()
    } else {
        quote!(mut)
    };
    quote! {
        #d
        pub fn #name(&self, #(#args),*) -> #ret {
            let #mutability req = #node.request(#method, #template);
            #(#sets)*
            #builder::new(req)
        }
    }
}

pub(crate) fn builder(op: &Operation, names: &ScopeNames) -> TokenStream {
    let generic = op.scopes() == Scopes::Both;
    let how = if op.params.iter().any(|p| !p.required) {
        "Set optional parameters with the methods of the same name, then `.send().await`."
    } else {
        "Send it with `.send().await`."
    };
    let docs = doc(&[
        &format!("Request builder for `{}`: {}", op.builder, op_doc(op)),
        how,
    ]);
    let mut out = struct_def(
        &op.builder,
        generic,
        docs,
        quote!(req: #REQUEST,),
        true,
        names,
    );
    let mut items: Vec<(Ctx, TokenStream)> = Vec::new();
    for p in op.params.iter().filter(|p| !p.required) {
        let v = ident("value");
        let (ty, expr, setter) = param_value(p, &v);
        let name = ident(&p.rust);
        let wire = &p.wire;
        let fallback = format!("Sets the `{wire}` {}.", p.location.label());
        let note = if op.idempotency_key.as_deref() == Some(wire.as_str()) {
            "Without it, each call sends a fresh UUID (v4) here, the same on every retry; set it \
             to make a call of your own repeatable (the same key gets the first call's answer)."
                .to_string()
        } else if generic {
            param_scope_note(p.scopes, names)
        } else {
            String::new()
        };
        let d = doc(&[if p.doc.is_empty() { &fallback } else { &p.doc }, &note]);
        let ctx = if generic {
            ctx_for(p.scopes)
        } else {
            Ctx::Plain
        };
        items.push((
            ctx,
            quote! {
                #d
                pub fn #name(mut self, #v: #ty) -> Self {
                    self.req.#setter(#wire, #expr);
                    self
                }
            },
        ));
    }
    let send = match &op.response {
        ResponseKind::Empty => quote! {
            /// Send the request; succeeds when the API answers with an empty 2xx.
            pub async fn send(self) -> Result<(), #ERROR> {
                self.req.send_empty().await
            }

            /// [`send`](Self::send), also returning the status, request id and headers
            /// ([`Response`](crate::Response)).
            pub async fn send_with_metadata(self) -> Result<#RESPONSE<()>, #ERROR> {
                self.req.send_empty_with_metadata().await
            }
        },
        ResponseKind::One(ty) => {
            let t = rust_ty(ty);
            quote! {
                /// Send the request and decode the answer.
                pub async fn send(self) -> Result<#t, #ERROR> {
                    self.req.send_json().await
                }

                /// [`send`](Self::send), also returning the status, request id and headers
                /// ([`Response`](crate::Response)).
                pub async fn send_with_metadata(self) -> Result<#RESPONSE<#t>, #ERROR> {
                    self.req.send_json_with_metadata().await
                }
            }
        }
        ResponseKind::Redirect(None) => quote! {
            /// Send the request and return where the API redirects to; the redirect is not
            /// followed.
            pub async fn send(self) -> Result<#REDIRECT, #ERROR> {
                self.req.send_redirect().await
            }
        },
        ResponseKind::Redirect(Some(ty)) => {
            let t = rust_ty(ty);
            quote! {
                /// Send the request and return where the API redirects to, with the redirect's
                /// body; the redirect is not followed.
                pub async fn send(self) -> Result<#REDIRECT<#t>, #ERROR> {
                    self.req.send_redirect_json().await
                }
            }
        }
        ResponseKind::LongRunning(lr) => {
            let t = long_running_ty(lr);
            quote! {
                /// Send the request; the API accepts the work and finishes it later. The
                /// [`LongRunning`](crate::LongRunning) holds the answer and polls it until done
                /// (`.wait(within)`).
                pub async fn send(self) -> Result<#t, #ERROR> {
                    self.req.send_operation().await
                }

                /// [`send`](Self::send), also returning the status, request id and headers
                /// ([`Response`](crate::Response)).
                pub async fn send_with_metadata(
                    self,
                ) -> Result<#RESPONSE<#t>, #ERROR> {
                    self.req.send_operation_with_metadata().await
                }
            }
        }
        ResponseKind::Outcomes(_) => {
            let outcome = ident(&outcome_name(op));
            let link = format!("[`{}`]", outcome_name(op));
            let send_doc = doc(&[&format!(
                "Send the request and decode the answer by its status into {link}."
            )]);
            quote! {
                #send_doc
                pub async fn send(self) -> Result<#outcome, #ERROR> {
                    self.req.send_outcome().await
                }

                /// [`send`](Self::send), also returning the status, request id and headers
                /// ([`Response`](crate::Response)).
                pub async fn send_with_metadata(self) -> Result<#RESPONSE<#outcome>, #ERROR> {
                    self.req.send_outcome_with_metadata().await
                }
            }
        }
        ResponseKind::List { key, item, paging } => {
            let t = rust_ty(item);
            let stream_doc = doc(&[&match paging {
                Paging::Link => "Every item of every page, fetching the next page only when the \
                    previous one is used up (follows `meta.next_page_url` as `next_page()` does)."
                    .to_string(),
                Paging::Token { parameter } => format!(
                    "Every item of every page, fetching the next page only when the previous one \
                     is used up (sends the page's `meta` token back in `{parameter}`, as \
                     `next_page()` does)."
                ),
            }]);
            quote! {
                /// Fetch the first page; [`Page::next_page`](crate::Page::next_page) fetches the
                /// ones after it.
                pub async fn send(self) -> Result<#PAGE<#t>, #ERROR> {
                    self.req.send_page(#key).await
                }

                /// [`send`](Self::send), also returning the status, request id and headers of
                /// the first page ([`Response`](crate::Response)).
                pub async fn send_with_metadata(
                    self,
                ) -> Result<#RESPONSE<#PAGE<#t>>, #ERROR> {
                    self.req.send_page_with_metadata(#key).await
                }

                /// At most this many items in all, read page by page (`send()`, then
                /// `next_page()`) or as a [`stream`](Self::stream): the page that reaches the
                /// limit is cut there and is the last one, so no page beyond it is requested.
                pub fn limit(mut self, items: usize) -> Self {
                    self.req.limit(items);
                    self
                }

                #stream_doc
                pub fn stream(self) -> impl #STREAM<Item = Result<#t, #ERROR>> + Send + 'static {
                    self.req.into_stream(#key)
                }
            }
        }
    };
    items.push((if generic { Ctx::Generic } else { Ctx::Plain }, send));
    let ctor = constructor(generic, quote!(req), quote!(req: #REQUEST));
    out.extend(impl_blocks(&op.builder, generic, items, ctor, names));
    if let ResponseKind::Outcomes(outcomes) = &op.response {
        out.extend(outcome_enum(op, outcomes));
    }
    out
}

/// `LongRunning<Accepted, State>`.
fn long_running_ty(lr: &crate::ir::LongRunning) -> TokenStream {
    let (accepted, state) = (rust_ty(&lr.accepted), rust_ty(&lr.state));
    quote!(#OPERATION<#accepted, #state>)
}

/// What the docs say of an operation that takes an idempotency key.
fn idempotency_doc(header: &str) -> String {
    format!(
        "Each call carries an idempotency key in `{header}` (a fresh UUID unless you set one), \
         the same on every attempt, so a failed attempt is retried even after a 5xx, a timeout \
         or a dropped connection: the API answers a repeated key with the first answer."
    )
}

/// The enum of an operation's success answers: `<Builder>Outcome`.
fn outcome_name(op: &Operation) -> String {
    format!("{}Outcome", op.builder)
}

/// One variant per success status, and the [`Outcome`](OUTCOME) impl that picks it.
fn outcome_enum(op: &Operation, outcomes: &[crate::ir::Outcome]) -> TokenStream {
    let name = ident(&outcome_name(op));
    let docs = doc(&[&format!(
        "The answers of `{}`, by status: {}.",
        op.builder,
        outcomes
            .iter()
            .map(|o| format!("`{}` {}", o.status, o.variant))
            .collect::<Vec<_>>()
            .join(", ")
    )]);
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for o in outcomes {
        let v = ident(&o.variant);
        let status = o.status;
        let variant_doc = doc(&[&format!("HTTP {status}.")]);
        match &o.body {
            OutcomeBody::Empty => {
                variants.push(quote!(#variant_doc #v,));
                arms.push(quote!(#status => Ok(Self::#v),));
            }
            OutcomeBody::One(ty) => {
                let t = rust_ty(ty);
                variants.push(quote!(#variant_doc #v(#t),));
                arms.push(quote!(#status => answer.json().map(Self::#v),));
            }
            OutcomeBody::LongRunning(lr) => {
                let t = long_running_ty(lr);
                let variant_doc = doc(&[&format!("HTTP {status}: accepted, finished later.")]);
                variants.push(quote!(#variant_doc #v(#t),));
                arms.push(quote!(#status => answer.operation().map(Self::#v),));
            }
        }
    }
    quote! {
        #docs
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }

        impl #OUTCOME for #name {
            fn from_answer(answer: #ANSWERED<'_>) -> Result<Self, #ERROR> {
                match answer.status() {
                    #(#arms)*
                    _ => Err(answer.unexpected()),
                }
            }
        }
    }
}
