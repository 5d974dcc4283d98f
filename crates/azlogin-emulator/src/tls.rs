//! TLS for the emulator: a fresh CA (written as `ca.pem` for clients to trust) and a leaf for
//! `localhost` and `127.0.0.1` signed by it. The real `az` and MSAL insist on https and a host
//! name, so this is what lets them talk to the emulator.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

use crate::error::{Error, Result};

/// What serving TLS needs.
pub(crate) struct TlsMaterial {
    pub(crate) acceptor: TlsAcceptor,
    /// The CA certificate clients should trust.
    pub(crate) ca_path: PathBuf,
    /// The SHA-1 thumbprint of the server's own certificate (lower-case hex): what a Service
    /// Fabric host names in `IDENTITY_SERVER_THUMBPRINT` for clients to pin.
    pub(crate) server_thumbprint: String,
}

/// Generates the CA and leaf, writes `<dir>/ca.pem`, and builds the acceptor.
pub(crate) fn prepare(dir: &Path) -> Result<TlsMaterial> {
    let cert_error =
        |e: rcgen::Error| Error::Config(format!("Cannot create the emulator's certificates: {e}"));

    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(cert_error)?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "azlogin emulator CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = KeyPair::generate().map_err(cert_error)?;
    let ca_cert = ca_params.self_signed(&ca_key).map_err(cert_error)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let mut leaf_params =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .map_err(cert_error)?;
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    leaf_params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    // Strict verifiers (Python 3.13's default) want the authority key identifier.
    leaf_params.use_authority_key_identifier_extension = true;
    let leaf_key = KeyPair::generate().map_err(cert_error)?;
    let leaf_cert = leaf_params
        .signed_by(&leaf_key, &issuer)
        .map_err(cert_error)?;

    std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, e))?;
    let ca_path = dir.join("ca.pem");
    std::fs::write(&ca_path, ca_cert.pem()).map_err(|e| Error::file(&ca_path, e))?;

    let chain: Vec<CertificateDer<'static>> = vec![leaf_cert.der().clone(), ca_cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("Cannot configure TLS: {e}")))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| Error::Config(format!("Cannot configure TLS: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsMaterial {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        ca_path,
        server_thumbprint: sha1_hex(leaf_cert.der()),
    })
}

/// The SHA-1 of a DER certificate as lower-case hex: its thumbprint, as Service Fabric names it.
fn sha1_hex(der: &[u8]) -> String {
    use sha1::{Digest, Sha1};
    Sha1::digest(der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
