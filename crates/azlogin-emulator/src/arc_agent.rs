//! The Azure Arc agent's challenge: a request without `Authorization` gets `401` and
//! `WWW-Authenticate: Basic realm=<key file>`, and the answer asks the driver to write that file
//! with a fresh random key (the responder itself does no I/O). A request carrying
//! `Authorization: Basic <key>` with a key written and not yet presented goes on to the token.

use std::path::Path;

use serde_json::json;

use super::message::{EmuRequest, EmuResponse, FileWrite};
use super::responder::Responder;
use super::scenario::ArcSettings;
use super::tokens::constant_time_eq;

/// What keys are drawn from.
const KEY_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// Keys nobody presented are forgotten beyond this many, oldest first.
const MAX_PENDING_KEYS: usize = 64;

impl Responder {
    /// `None` when the request presents a key this agent wrote (each is good once); else the
    /// answer: the challenge, or a refusal of a wrong key.
    pub(super) fn arc_check(&self, req: &EmuRequest, arc: &ArcSettings) -> Option<EmuResponse> {
        let Some(authorization) = req.header_value("authorization") else {
            return Some(self.arc_challenge(arc));
        };
        let presented = authorization
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
            .map(|(_, key)| key)
            .unwrap_or_default();
        let mut st = self.lock();
        let known = st
            .arc_keys
            .iter()
            .position(|k| constant_time_eq(k.as_bytes(), presented.as_bytes()));
        match known {
            Some(i) => {
                st.arc_keys.remove(i);
                None
            }
            None => Some(EmuResponse::json_status(
                401,
                &json!({"error": "unauthorized_client", "error_description": "The Authorization header does not carry a key this agent wrote."}),
            )),
        }
    }

    fn arc_challenge(&self, arc: &ArcSettings) -> EmuResponse {
        let (name, key) = {
            let mut st = self.lock();
            let name = format!("{}.key", st.guid());
            let key = st.random_string(KEY_ALPHABET, arc.key_len);
            if st.arc_keys.len() >= MAX_PENDING_KEYS {
                st.arc_keys.remove(0);
            }
            st.arc_keys.push(key.clone());
            (name, key)
        };
        let path = Path::new(&arc.key_dir).join(&name);
        let realm = match &arc.realm_prefix {
            Some(prefix) => format!("{prefix}{name}"),
            None => path.display().to_string(),
        };
        let mut resp = EmuResponse::json_status(
            401,
            &json!({"error": "unauthorized_client", "error_description": "Send the key file the realm names as Authorization: Basic <contents>."}),
        );
        resp.headers
            .push(("WWW-Authenticate".into(), format!("Basic realm={realm}")));
        resp.write_file = Some(FileWrite {
            path,
            contents: key,
        });
        resp
    }
}
