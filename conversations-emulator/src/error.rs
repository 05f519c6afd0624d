//! Errors as Twilio answers them: a status and a JSON body with `code`, `message`, `more_info`
//! and `status`. The codes and where they come from are in `docs/twilio-facts.md`, section
//! "Emulator errors".

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// One error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiFailure {
    pub status: u16,
    pub code: u32,
    pub message: String,
}

impl ApiFailure {
    pub fn new(status: u16, code: u32, message: impl Into<String>) -> ApiFailure {
        ApiFailure {
            status,
            code,
            message: message.into(),
        }
    }

    /// 401, 20003: the credentials are missing or wrong.
    pub fn unauthorized() -> ApiFailure {
        ApiFailure::new(401, 20003, "Authenticate")
    }

    /// 404, 20404: no such resource.
    pub fn not_found(path: &str) -> ApiFailure {
        ApiFailure::new(
            404,
            20404,
            format!("The requested resource {path} was not found"),
        )
    }

    /// 405, 20004: the path exists, the method does not.
    pub fn method_not_allowed(method: &str) -> ApiFailure {
        ApiFailure::new(405, 20004, format!("Method {method} not allowed"))
    }

    /// 400, 20001: a parameter is missing or not of its type.
    pub fn bad_request(message: impl Into<String>) -> ApiFailure {
        ApiFailure::new(400, 20001, message)
    }

    /// 409 with a Conversations code: something with that name or address already exists.
    pub fn conflict(code: u32, message: impl Into<String>) -> ApiFailure {
        ApiFailure::new(409, code, message)
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({
            "code": self.code,
            "message": self.message,
            "more_info": format!("https://www.twilio.com/docs/errors/{}", self.code),
            "status": self.status,
        })
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        crate::http::json(status, &self.body())
    }
}
