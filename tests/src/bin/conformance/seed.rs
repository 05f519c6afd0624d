//! Emulator mode: the records the suite's fixed SIDs name, put into the emulator before the
//! calls that need them, straight through its control endpoint (not through the server under
//! test, which is Prism in front of the emulator).
//!
//! The emulator is stateful, so a SID the suite names must exist when it is called, and
//! exist again after the suite deleted it; `POST /_emulator/records` stores a record with a
//! SID of the suite's choosing in the collection a REST path names (either scope). Media is
//! uploaded through the emulator's own Media Content Service, since an upload's SID is the
//! emulator's to give.

use serde_json::{json, Value};

/// The emulator's control endpoint and its account's default service.
pub struct Seeder {
    http: reqwest::Client,
    /// `http://127.0.0.1:PORT`, the emulator itself.
    url: String,
    account: String,
    token: String,
    /// The emulator's default Conversations service (`IS...`): what `/v1/...` paths act in.
    pub default_service: String,
}

fn describe(e: &reqwest::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        msg.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    msg
}

impl Seeder {
    /// Ask the emulator at `url` who it is; it must serve `account` (the suite's credentials
    /// are the only ones it accepts).
    pub async fn connect(url: &str, account: &str, token: &str) -> Result<Seeder, String> {
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .map_err(|e| describe(&e))?;
        let url = url.trim_end_matches('/').to_string();
        let text = http
            .get(format!("{url}/_emulator"))
            .send()
            .await
            .map_err(|e| format!("GET {url}/_emulator: {}", describe(&e)))?
            .text()
            .await
            .map_err(|e| format!("GET {url}/_emulator: {}", describe(&e)))?;
        let about: Value = serde_json::from_str(&text)
            .map_err(|e| format!("GET {url}/_emulator: not JSON ({e}): {text}"))?;
        let served = about["account_sid"].as_str().unwrap_or("");
        if served != account {
            return Err(format!(
                "the emulator at {url} serves account {served:?}, the suite uses {account}: \
                 start it with --account-sid {account} --auth-token {token}"
            ));
        }
        let default_service = about["default_chat_service_sid"]
            .as_str()
            .ok_or_else(|| format!("GET {url}/_emulator: no default_chat_service_sid"))?
            .to_string();
        Ok(Seeder {
            http,
            url,
            account: account.to_string(),
            token: token.to_string(),
            default_service,
        })
    }

    /// Store `fields` (with their `sid`) in the collection `path` names.
    pub async fn record(&self, path: &str, fields: Value) -> Result<(), String> {
        let body = json!({ "path": path, "fields": fields });
        let resp = self
            .http
            .post(format!("{}/_emulator/records", self.url))
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| describe(&e))?;
        let status = resp.status().as_u16();
        if status == 201 {
            return Ok(());
        }
        let text = resp.text().await.unwrap_or_default();
        Err(format!("answered {status}: {text}"))
    }

    /// Upload a small file to `service` through the emulator's Media Content Service; its
    /// media SID (`ME...`).
    pub async fn upload_media(&self, service: &str) -> Result<String, String> {
        let resp = self
            .http
            .post(format!(
                "{}/mcs/v1/Services/{service}/Media?Filename=receipt.png",
                self.url
            ))
            .basic_auth(&self.account, Some(&self.token))
            .header("Content-Type", "image/png")
            .body(b"\x89PNG\r\n\x1a\nconformance".to_vec())
            .send()
            .await
            .map_err(|e| describe(&e))?;
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        let record: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        match record["sid"].as_str() {
            Some(sid) if status == 201 => Ok(sid.to_string()),
            _ => Err(format!("upload answered {status}: {text}")),
        }
    }
}
