//! Where the Docker daemon is and how to reach it.
//!
//! - [`endpoint`]: the inputs the docker CLI looks at (`--host`, `--context`, `DOCKER_HOST`,
//!   `DOCKER_CONTEXT`, `currentContext` in `config.json`, TLS variables) resolved by a pure
//!   function into one [`Endpoint`].
//! - [`context_store`]: reading the docker CLI's context store (`contexts/meta`, `contexts/tls`).
//! - [`connect`](mod@connect): building the bollard client for an endpoint, negotiating the API
//!   version and turning failures into one human line ([`ConnectError`]).

pub mod connect;
pub mod context_store;
pub mod endpoint;
pub mod unix_pool;

pub use connect::{Cause, ConnectError, connect};
pub use context_store::{ContextInfo, ContextStoreError, list_contexts};
pub use endpoint::{
    Endpoint, EndpointError, EndpointInputs, EndpointSource, TlsFiles, Transport, resolve,
};
