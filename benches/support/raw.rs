//! The raw Docker API client both benchmarks measure against: hyper over the unix socket,
//! with or without keep-alive, bodies read but not parsed.

#![allow(dead_code)]

use anyhow::{Context, Result, bail};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use hyperlocal::UnixConnector;

pub type Raw = Client<UnixConnector, Empty<Bytes>>;

pub fn raw_client(keep_alive: bool) -> Raw {
    let mut b = Client::builder(TokioExecutor::new());
    // Pooling is on by default (unbounded idle connections per host, 90 s idle timeout).
    if !keep_alive {
        b.pool_max_idle_per_host(0);
    }
    b.build(UnixConnector)
}

pub async fn get(
    client: &Raw,
    socket: &str,
    path: &str,
) -> Result<hyper::Response<hyper::body::Incoming>> {
    let uri: hyper::Uri = hyperlocal::Uri::new(socket, path).into();
    let resp = client
        .get(uri)
        .await
        .with_context(|| format!("GET {path}"))?;
    if !resp.status().is_success() {
        bail!("GET {path}: HTTP {}", resp.status());
    }
    Ok(resp)
}

/// Read a body to the end without keeping it; returns its length.
pub async fn drain(mut body: hyper::body::Incoming) -> Result<u64> {
    let mut n = 0;
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            n += data.len() as u64;
        }
    }
    Ok(n)
}

pub async fn engine_version(socket: &str) -> Result<(String, String)> {
    let body = get(&raw_client(true), socket, "/version")
        .await?
        .into_body()
        .collect()
        .await?
        .to_bytes();
    let v: serde_json::Value = serde_json::from_slice(&body)?;
    let s = |k: &str| v[k].as_str().unwrap_or("?").to_string();
    Ok((s("Version"), s("ApiVersion")))
}
