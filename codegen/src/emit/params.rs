//! How one parameter is given and set on a request: the argument's type, the value's
//! expression and the runtime setter, by where the parameter goes.

use super::runtime::{BINARY_BODY, TO_PARAM};
use super::types::rust_ty;
use crate::ir::{Location, Param, Ty};
use proc_macro2::TokenStream;
use quote::quote;

/// `(argument type, value expression, runtime setter)` for a parameter value `v`.
pub(crate) fn param_value(
    p: &Param,
    v: &proc_macro2::Ident,
) -> (TokenStream, TokenStream, TokenStream) {
    let (single, many) = match p.location {
        Location::Query => (quote!(query), quote!(query_all)),
        Location::Header => (quote!(header), quote!(header_all)),
        Location::Form => (quote!(form), quote!(form_all)),
        Location::Json | Location::JsonWhole => return json_value(p, v),
        // Bytes or a stream, with the content type the runtime's `BinaryBody` carries.
        Location::Binary => {
            return (
                quote!(impl Into<#BINARY_BODY>),
                quote!(#v.into()),
                quote!(binary),
            )
        }
    };
    match &p.ty {
        Ty::String => (quote!(impl Into<String>), quote!(#v.into()), single),
        Ty::Array(item) if **item == Ty::String => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(#v.into_iter().map(Into::into).collect()),
            many,
        ),
        Ty::Array(item) => {
            let t = rust_ty(item);
            (
                quote!(impl IntoIterator<Item = #t>),
                quote!(#v.into_iter().map(|x| #TO_PARAM::to_param(&x)).collect()),
                many,
            )
        }
        other => {
            let t = rust_ty(other);
            (quote!(#t), quote!(#TO_PARAM::to_param(&#v)), single)
        }
    }
}

/// Like [`param_value`] for a JSON body field: the value keeps its type and serde writes it.
fn json_value(p: &Param, v: &proc_macro2::Ident) -> (TokenStream, TokenStream, TokenStream) {
    let setter = if p.location == Location::JsonWhole {
        quote!(json_whole)
    } else {
        quote!(json)
    };
    match &p.ty {
        Ty::String => (
            quote!(impl Into<String>),
            quote!(Into::<String>::into(#v)),
            setter,
        ),
        Ty::Array(item) if **item == Ty::String => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(#v.into_iter().map(Into::into).collect::<Vec<String>>()),
            setter,
        ),
        other => {
            let t = rust_ty(other);
            (quote!(#t), quote!(#v), setter)
        }
    }
}
